package dev.flashgate.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import dev.flashgate.core.device.Device;
import dev.flashgate.core.session.SessionRecord;
import dev.flashgate.core.session.SessionState;
import dev.flashgate.core.session.Transition;
import dev.flashgate.simulator.Faults;
import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.upgrade.SessionOptions;
import dev.flashgate.upgrade.SessionStatus;
import dev.flashgate.upgrade.UpdateSession;

/**
 * Many sessions against several simulated devices at once, each with a random fault, the way a
 * service bench would meet them: a device that falls off the bus is plugged back in, and after
 * each session the technician does what its condition says. Whatever happened, every device must
 * end up bootable (directly, or after the recovery session its condition asks for) and every
 * session must be journaled with a final state. Sessions and seed come from the system properties
 * {@code flashgate.soak.sessions} (default 24) and {@code flashgate.soak.seed}.
 */
public final class FaultSoak {

    /** Chooses one fault (knob specs separated by spaces, or empty for none) for a package of {@code size} bytes. */
    public interface FaultChoice {
        String fault(SplittableRandom random, long size);
    }

    private final PluginBench bench;
    private final String model;
    private final int devices;
    private final SessionOptions options;
    private final boolean recoveryAllowed;

    /**
     * {@code recoveryAllowed}: whether a device may need a recovery session after a fault (a modem
     * recovered through emergency download); if not, it must boot after every fault (A/B slots).
     */
    public FaultSoak(PluginBench bench, String model, int devices, SessionOptions options, boolean recoveryAllowed) {
        this.bench = bench;
        this.model = model;
        this.devices = devices;
        this.options = options;
        this.recoveryAllowed = recoveryAllowed;
    }

    /** Runs the soak over {@code packages} (taken in turn); returns how many sessions ended how. */
    public Map<String, Integer> run(List<Path> packages, FaultChoice faults) throws Exception {
        int sessions = Integer.getInteger("flashgate.soak.sessions", 24);
        long seed = Long.getLong("flashgate.soak.seed", System.nanoTime());
        System.out.println("soak: " + sessions + " sessions on " + devices + " " + model + ", seed " + seed);
        List<SimulatedDevice> started = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            started.add(bench.start(model));
        }
        AtomicInteger next = new AtomicInteger();
        Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(devices);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < devices; w++) {
                SimulatedDevice device = started.get(w);
                SplittableRandom random = new SplittableRandom(seed + w);
                workers.add(pool.submit(() -> {
                    for (int n = next.getAndIncrement(); n < sessions; n = next.getAndIncrement()) {
                        Path pkg = packages.get(n % packages.size());
                        String fault = faults.fault(random, Files.size(pkg));
                        SessionStatus end = session(device, now(device), pkg, fault, ids);
                        outcomes.merge(end.record().state() + (end.record().code() == null ? "" : " " + end.record().code()), 1,
                                Integer::sum);
                        afterwards(device, pkg, fault, end, ids);
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        outcomes.forEach((k, v) -> System.out.println("soak: " + v + " x " + k));
        // only the devices' faults may end a session: the station itself never refuses or breaks
        assertTrue(outcomes.keySet().stream().noneMatch(k -> k.contains("HOST_") || k.contains("INTERNAL")), outcomes::toString);
        assertEquals(sessions, outcomes.values().stream().mapToInt(Integer::intValue).sum());
        for (String id : ids) {
            SessionRecord r = bench.journal().session(id).orElseThrow(() -> new AssertionError("session " + id + " not journaled"));
            assertTrue(r.state().isFinal() && r.state() != SessionState.INTERRUPTED, r::toString);
            List<Transition> t = bench.journal().transitions(id);
            assertEquals(r.state(), t.get(t.size() - 1).state(), r::toString);
        }
        return outcomes;
    }

    private SessionStatus session(SimulatedDevice device, Device found, Path pkg, String fault, List<String> ids) throws Exception {
        device.inject(fault.isEmpty() ? Faults.NONE : Faults.parse(List.of(fault.split(" "))));
        UpdateSession session = bench.sessions().start(bench.request(pkg, found, options, true));
        try {
            return replugUntilDone(session, device);
        } finally {
            device.inject(Faults.NONE); // a fault the session did not reach must not strike later
            ids.add(session.id());
        }
    }

    /** What the technician does after a session: power the device back, and recover it if it asks for that. */
    private void afterwards(SimulatedDevice device, Path pkg, String fault, SessionStatus end, List<String> ids) throws Exception {
        String after = "after '" + fault + "' ending " + end.record().state() + " " + end.record().code() + " in "
                + end.record().lastActive();
        if (recoveryAllowed && end.record().state() != SessionState.SUCCEEDED) {
            device.reenumerate(); // "power-cycle the device", as a modem's conditions say
        }
        Device back;
        try {
            back = now(device);
        } catch (AssertionError e) {
            throw new AssertionError(after + ": " + e.getMessage(), e);
        }
        if (device.condition().startsWith("needs")) {
            assertTrue(recoveryAllowed, after + ": " + device.condition());
            SessionStatus recovery = session(device, back, pkg, "", ids);
            assertEquals(SessionState.SUCCEEDED, recovery.record().state(), () -> after + ", recovery: " + recovery.record());
            bench.powerBack(device);
        }
        assertFalse(device.condition().startsWith("needs"), after + ": " + device.condition());
    }

    /**
     * The device as discovery shows it now: identified and running its firmware, or, where a device
     * may need recovery, in whatever mode it is (a modem waiting in emergency download is updated
     * from there).
     */
    private Device now(SimulatedDevice device) throws Exception {
        return recoveryAllowed ? bench.present(device) : bench.powerBack(device);
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
