package dev.flashgate.plugin.ymodem.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.flashgate.core.device.Device;
import dev.flashgate.core.pkg.PackRequest;
import dev.flashgate.core.session.SessionRecord;
import dev.flashgate.core.session.SessionState;
import dev.flashgate.simulator.DemoFirmware;
import dev.flashgate.simulator.Faults;
import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.testkit.PluginBench;
import dev.flashgate.upgrade.SessionOptions;
import dev.flashgate.upgrade.SessionStatus;
import dev.flashgate.upgrade.UpdateSession;

/**
 * Many sessions against four simulated hotspots at once, each with a random fault: no device may
 * end up unbootable and every session must be journaled with a final state. The number of
 * sessions is the system property {@code flashgate.soak.sessions} ({@code releng/soak/soak.sh}
 * runs a thousand).
 */
class HotspotSoakTest {

    private static final int DEVICES = 4;
    private static final SessionOptions OPTIONS = SessionOptions.DEFAULTS.withStallTimeout(Duration.ofMillis(1200))
            .withReconnectTimeout(Duration.ofSeconds(6)).withRetries(1);

    @TempDir
    Path dir;

    @Test
    void randomFaultsNeverLeaveADeviceUnbootableOrASessionUnjournaled() throws Exception {
        int sessions = Integer.getInteger("flashgate.soak.sessions", 24);
        long seed = Long.getLong("flashgate.soak.seed", System.nanoTime());
        System.out.println("soak: " + sessions + " sessions on " + DEVICES + " hotspots, seed " + seed);
        try (PluginBench bench = new PluginBench(dir)) {
            List<Path> packages = List.of(pkg(bench, "FG_HS920S_S01"), pkg(bench, "FG_HS920S_S02"));
            List<SimulatedDevice> devices = new ArrayList<>();
            for (int i = 0; i < DEVICES; i++) {
                devices.add(bench.start("HS920S"));
            }
            AtomicInteger next = new AtomicInteger();
            Map<String, String> outcomes = new ConcurrentHashMap<>();
            List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(DEVICES);
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < DEVICES; w++) {
                SimulatedDevice device = devices.get(w);
                SplittableRandom random = new SplittableRandom(seed + w);
                workers.add(pool.submit(() -> {
                    for (int n = next.getAndIncrement(); n < sessions; n = next.getAndIncrement()) {
                        Path pkg = packages.get(n % 2);
                        String fault = fault(random, Files.size(pkg));
                        device.inject(fault.isEmpty() ? Faults.NONE : Faults.parse(List.of(fault.split(" "))));
                        Device found = bench.powerBack(device);
                        UpdateSession session = bench.sessions().start(bench.request(pkg, found, OPTIONS, true));
                        SessionStatus end = replugUntilDone(session, device);
                        device.inject(Faults.NONE); // a fault the session did not reach must not strike later
                        ids.add(session.id());
                        outcomes.merge(end.record().state() + (end.record().code() == null ? "" : " " + end.record().code()), "x",
                                String::concat);
                        try {
                            bench.powerBack(device);
                        } catch (AssertionError e) {
                            throw new AssertionError("after '" + fault + "' ending " + end.record().state() + " " + end.record().code()
                                    + " in " + end.record().lastActive() + ": " + e.getMessage() + "\n" + String.join("\n", session.log()), e);
                        }
                        assertFalse(device.condition().startsWith("needs"), "after '" + fault + "': " + device.condition());
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
            pool.shutdown();
            outcomes.forEach((k, v) -> System.out.println("soak: " + v.length() + " x " + k));
            // only the device's faults may end a session: the station itself never refuses or breaks
            assertTrue(outcomes.keySet().stream().noneMatch(k -> k.contains("HOST_") || k.contains("INTERNAL")), outcomes::toString);
            assertEquals(sessions, ids.size());
            for (String id : ids) {
                SessionRecord r = bench.journal().session(id).orElseThrow(() -> new AssertionError("session " + id + " not journaled"));
                assertTrue(r.state().isFinal() && r.state() != SessionState.INTERRUPTED, r::toString);
                List<dev.flashgate.core.session.Transition> t = bench.journal().transitions(id);
                assertEquals(r.state(), t.get(t.size() - 1).state(), r::toString);
            }
        }
    }

    private static Path pkg(PluginBench bench, String version) throws Exception {
        Path image = bench.dir().resolve(version + ".bin");
        DemoFirmware.image(image, "HS920S", version, 3, 128 * 1024, version.hashCode());
        return bench.pack(version, Map.of("vendor", "Soak", "version", version, "versionCode", (long) version.hashCode() & 0xFFFF,
                "securityVersion", 3L, "target.plugin", AtYmodemPlugin.ID, "target.models", List.of("HS920S")),
                List.of(new PackRequest.Source(image, "images/hs920s.bin", "image")), true);
    }

    /** One fault knob, or none, at a random point of the transfer. */
    private static String fault(SplittableRandom random, long size) {
        long at = 200 + random.nextLong(size);
        return switch (random.nextInt(7)) {
            case 0 -> "drop-after=" + at;
            case 1 -> "stall-after=" + at + " stall-ms=" + (200 + random.nextInt(2500));
            case 2 -> "nak-next";
            case 3 -> "storage-full";
            case 4 -> "power-loss-after=" + at;
            case 5 -> "power-loss-after=" + (1L << 40);
            default -> "";
        };
    }

    /** The technician: a device that fell off the bus is plugged back in while the session waits. */
    private static SessionStatus replugUntilDone(UpdateSession session, SimulatedDevice device) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            SessionStatus s = session.await(Duration.ofMillis(100));
            if (s.record().state().isFinal()) {
                return s;
            }
            if (device.hostPorts().isEmpty()) {
                Thread.sleep(200);
                device.reenumerate();
            }
        }
        session.cancel();
        throw new AssertionError("session " + session.id() + " did not end: " + String.join("\n", session.log()));
    }
}
