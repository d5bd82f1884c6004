package dev.flashgate.station.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.device.DeviceDiscovery;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.repository.RepositoryPublisher;
import dev.flashgate.core.repository.UpdateRepositories;
import dev.flashgate.simulator.Faults;
import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.station.BoardEntry;
import dev.flashgate.station.BoardEntry.Stage;
import dev.flashgate.station.StationMode;
import dev.flashgate.station.StationPolicy;
import dev.flashgate.station.StationRun;
import dev.flashgate.testkit.PluginBench;
import dev.flashgate.upgrade.SessionOptions;

/**
 * Station mode against simulated devices of two families, the real discovery, session engine,
 * repositories and plugins: devices are matched, verified and updated without a click, and nothing
 * the policy does not name is touched.
 */
class StationModeTest {

    private static final Duration QUIET = Duration.ofSeconds(2);
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private PluginBench bench;
    private StationMode station;
    private UpdateRepositories repositories;
    private String repository;
    private Path ca;

    @BeforeEach
    void bench() throws Exception {
        bench = new PluginBench(dir);
        station = bench.service(StationMode.class);
        repositories = bench.service(UpdateRepositories.class);
        ca = bench.anchorsPem(dir.resolve("vendor-ca.pem"));
        repository = "station-test-" + Integer.toHexString(ThreadLocalRandom.current().nextInt() & 0xFFFFFF);
    }

    @AfterEach
    void close() throws Exception {
        try {
            repositories.remove(repository);
        } catch (FlashgateException e) {
            // the test added none
        }
        bench.close();
    }

    @Test
    void devicesOfMixedFamiliesAreUpdatedAndOthersLeftAlone() throws Exception {
        Path hotspotV1 = bench.hotspotPackage("FG_HS920S_S10", 48 * 1024);
        Path hotspotV2 = bench.hotspotPackage("FG_HS920S_S20", 64 * 1024);
        Path modem = bench.modemPackage("FG_MF833S_S20", 64 * 1024);
        publish(hotspotV1, hotspotV2);

        List<SimulatedDevice> hotspots = List.of(bench.start("HS920S"), bench.start("HS920S"));
        SimulatedDevice modemDevice = bench.start("MF833S");
        SimulatedDevice stranger = bench.start("ME360S"); // no rule names it
        for (SimulatedDevice d : List.of(hotspots.get(0), hotspots.get(1), modemDevice, stranger)) {
            bench.discovered(d);
        }
        String strangerRevision = stranger.revision();

        try (StationRun run = station.start(policy(2, rule("HS920S", repository, null, null), rule("MF833S", null, null, modem)))) {
            assertTrue(run.awaitIdle(QUIET, PATIENCE), "station mode did not settle: " + run.board());
            for (SimulatedDevice hotspot : hotspots) {
                BoardEntry entry = entry(run, hotspot);
                assertEquals(Stage.SUCCEEDED, entry.stage(), entry.toString());
                assertEquals(hotspotV2.getFileName().toString(), entry.packageName(), "the newest for the model");
                assertEquals("FG_HS920S_S20", hotspot.revision());
            }
            assertEquals(Stage.SUCCEEDED, entry(run, modemDevice).stage(), entry(run, modemDevice).toString());
            assertEquals("FG_MF833S_S20", modemDevice.revision());
            assertEquals(Stage.NO_RULE, entry(run, stranger).stage());
            assertEquals(strangerRevision, stranger.revision(), "a device no rule names is never touched");
            List<String> sessions = run.board().stream().map(BoardEntry::sessionId).filter(s -> s != null).toList();
            assertEquals(3, sessions.size(), "one session per matched device, none again after it re-enumerated");
            assertTrue(run.board().stream().noneMatch(e -> e.stage() == Stage.IDENTIFYING),
                    "the modem in emergency download during its own update is not another device: " + run.board());
            assertEquals(4, run.board().size(), run.board().toString());

            // plugged in again, an updated device is found up to date and left alone
            hotspots.get(0).reenumerate();
            bench.discovered(hotspots.get(0));
            assertTrue(run.awaitIdle(QUIET, PATIENCE));
            assertEquals(Stage.UP_TO_DATE, entry(run, hotspots.get(0)).stage());
        }
    }

    /**
     * A modem whose update was cut off by power loss comes back in emergency download, where it
     * cannot say who it is; the journal knows whom a session bound behind that port, so station mode
     * recovers it with its model's package. One in emergency download that nobody bound is left alone.
     */
    @Test
    void aModemLeftInEmergencyDownloadIsRecoveredWhenTheJournalKnowsIt() throws Exception {
        Path pkg = bench.modemPackage("FG_MF833S_S40", 256 * 1024);
        SimulatedDevice modem = bench.start("MF833S");
        var found = bench.discovered(modem);
        modem.inject(Faults.parse(List.of("power-loss-after=" + (96 * 1024 + 100 * 1024)))); // programmer, part of the image
        var cut = bench.run(bench.request(pkg, found, SessionOptions.DEFAULTS.withStallTimeout(Duration.ofSeconds(3))
                .withRetries(0), false));
        assertEquals(dev.flashgate.core.session.SessionState.FAILED, cut.record().state(), cut.record()::toString);
        modem.reenumerate(); // power back: the torn flash leaves it in emergency download
        var edl = bench.present(modem);
        assertEquals(dev.flashgate.core.device.DeviceMode.EDL, edl.mode(), edl.toString());
        SimulatedDevice stranger = bench.start("MF833S"); // switched to emergency download over DIAG, by no session
        bench.discovered(stranger);
        String diag = stranger.hostPorts().stream().filter(p -> p.endsWith("-if00-port0")).findFirst().orElseThrow();
        try (var link = bench.service(dev.flashgate.core.device.SerialLinks.class).open(diag)) {
            link.write(new byte[] {0x4B, 0x65, 0x01, 0x00, 0x54, 0x0F, 0x7E}); // the EDL switch, HDLC-framed
        }
        var strangerEdl = awaitEdl(stranger);

        try (StationRun run = station.start(policy(1, rule("MF833S", null, null, pkg)))) {
            assertTrue(run.awaitIdle(QUIET, PATIENCE), "station mode did not settle: " + run.board());
            BoardEntry entry = run.board().stream().filter(e -> e.deviceId().equals(edl.id())).findFirst().orElseThrow();
            assertEquals(Stage.SUCCEEDED, entry.stage(), entry.toString());
            assertEquals(modem.imei(), entry.imei(), "the journal says who it is");
            assertEquals("FG_MF833S_S40", modem.revision());
            assertTrue(modem.condition().startsWith("boots"), modem.condition());
            assertEquals(1, run.board().stream().filter(e -> e.sessionId() != null).count(), "one session: " + run.board());
            BoardEntry unknown = run.board().stream().filter(e -> e.deviceId().equals(strangerEdl.id())).findFirst().orElseThrow();
            assertEquals(Stage.IDENTIFYING, unknown.stage(), unknown.toString());
            assertEquals("FG_MF833S_B06", stranger.revision(), "a device nobody knows is not flashed");
        }
    }

    /** The device as discovery shows it once it came back in emergency download. */
    private dev.flashgate.core.device.Device awaitEdl(SimulatedDevice device) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            var now = bench.present(device);
            if (now.mode() == dev.flashgate.core.device.DeviceMode.EDL) {
                return now;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(device.serial() + " did not come back in emergency download");
    }

    @Test
    void oneFailingDeviceNeverStallsTheOthers() throws Exception {
        Path pkg = bench.hotspotPackage("FG_HS920S_S30", 64 * 1024);
        List<SimulatedDevice> devices = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            devices.add(bench.start("HS920S"));
        }
        devices.forEach(d -> {
            try {
                bench.discovered(d);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        devices.get(0).inject(Faults.parse(List.of("storage-full")));
        devices.get(1).inject(Faults.parse(List.of("stall-after=20000", "stall-ms=60000")));
        try (StationRun run = station.start(policy(2, rule("HS920S", null, null, pkg)))) {
            assertTrue(run.awaitIdle(QUIET, PATIENCE), "station mode did not settle: " + run.board());
            assertEquals(ErrorCode.DEVICE_STORAGE_FULL, entry(run, devices.get(0)).code());
            assertEquals(ErrorCode.DEVICE_STALLED, entry(run, devices.get(1)).code());
            assertEquals(Stage.SUCCEEDED, entry(run, devices.get(2)).stage());
            assertEquals(Stage.SUCCEEDED, entry(run, devices.get(3)).stage());
        }
    }

    @Test
    void sixteenDevicesAreUpdatedAtOnce() throws Exception {
        Path pkg = bench.hotspotPackage("FG_HS920S_S60", 256 * 1024);
        List<SimulatedDevice> devices = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            devices.add(bench.start("HS920S"));
        }
        for (SimulatedDevice d : devices) {
            bench.discovered(d);
        }
        DeviceDiscovery discovery = bench.service(DeviceDiscovery.class);
        try (StationRun run = station.start(policy(16, rule("HS920S", null, null, pkg)))) {
            int peak = 0;
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            // the board and discovery answer all along (this loop would stop short otherwise)
            while (System.nanoTime() < deadline && !run.awaitIdle(QUIET, Duration.ofMillis(100))) {
                peak = Math.max(peak, (int) run.board().stream().filter(e -> e.stage() == Stage.UPDATING).count());
                assertTrue(discovery.devices().size() >= 16);
            }
            for (SimulatedDevice d : devices) {
                assertEquals(Stage.SUCCEEDED, entry(run, d).stage(), entry(run, d).toString());
                assertEquals("FG_HS920S_S60", d.revision());
            }
            assertTrue(peak >= 8, "sessions ran side by side, at most " + peak + " at once");
        }
    }

    @Test
    void aPackageThatCannotBeVerifiedTouchesNoDevice() throws Exception {
        Path untrusted = bench.pack("untrusted", Map.of("vendor", "Test", "version", "FG_HS920S_X", "versionCode", 9L,
                "target.plugin", "at-ymodem", "target.models", List.of("HS920S")),
                List.of(new dev.flashgate.core.pkg.PackRequest.Source(bench.hotspotPackage("FG_HS920S_S40", 1024), "images/x.bin",
                        "image")), false);
        SimulatedDevice device = bench.start("HS920S");
        bench.discovered(device);
        String before = device.revision();
        try (StationRun run = station.start(policy(1, rule("HS920S", null, null, untrusted)))) {
            assertTrue(run.awaitIdle(QUIET, PATIENCE), run.board().toString());
            BoardEntry entry = entry(run, device);
            assertEquals(Stage.FAILED, entry.stage());
            assertEquals(ErrorCode.SIG_UNTRUSTED, entry.code());
            assertEquals(null, entry.sessionId(), "no session was started");
        }
        assertEquals(before, device.revision());
    }

    @Test
    void aRepositoryWithNothingForTheModelUpdatesNothing() throws Exception {
        publish(bench.modemPackage("FG_MF833S_S50", 1024));
        SimulatedDevice device = bench.start("HS920S");
        bench.discovered(device);
        try (StationRun run = station.start(policy(1, rule("HS920S", repository, null, null)))) {
            assertTrue(run.awaitIdle(QUIET, PATIENCE), run.board().toString());
            assertEquals(ErrorCode.REPO_TARGET_UNKNOWN, entry(run, device).code());
        }
    }

    @Test
    void policiesAreReadStrictly() throws Exception {
        Path good = Files.writeString(dir.resolve("good.json"), """
                {"parallel": 3, "trust": ["ca.pem"], "stallTimeoutSeconds": 5, "retries": 1, "rules": [
                  {"model": "HS920S", "repository": "vendor"},
                  {"model": "MF833S", "repository": "vendor", "target": "mf833s.fgp"},
                  {"model": "ME360S", "file": "packages/me360s.fgp"}]}""");
        StationPolicy policy = station.readPolicy(good);
        assertEquals(3, policy.parallel());
        assertEquals(Duration.ofSeconds(5), policy.sessionOptions().stallTimeout());
        assertEquals(1, policy.sessionOptions().retries());
        assertEquals(dir.resolve("ca.pem"), policy.trust().get(0));
        assertEquals(dir.resolve("packages/me360s.fgp"), policy.ruleFor("me360s").orElseThrow().file());
        assertEquals("vendor:newest", policy.ruleFor("HS920S").orElseThrow().source());
        assertTrue(policy.ruleFor("OTHER").isEmpty());

        for (String bad : List.of("{\"rules\": []}", "{\"rules\": [{\"modle\": \"HS920S\", \"repository\": \"v\"}]}",
                "{\"rules\": [{\"model\": \"HS920S\", \"repository\": \"v\", \"file\": \"x.fgp\"}]}",
                "{\"rules\": [{\"model\": \"HS920S\"}]}", "{\"parallel\": 0, \"rules\": [{\"model\": \"A\", \"file\": \"a\"}]}",
                "not json")) {
            Path file = Files.writeString(dir.resolve("bad.json"), bad);
            assertEquals(ErrorCode.USAGE, assertThrows(FlashgateException.class, () -> station.readPolicy(file)).code(), bad);
        }
    }

    private void publish(Path... packages) throws Exception {
        RepositoryPublisher publisher = bench.service(RepositoryPublisher.class);
        Path repo = dir.resolve("repo");
        if (!Files.exists(repo.resolve("metadata/root.json"))) {
            publisher.init(repo, dir.resolve("keys"), Map.of());
        }
        publisher.add(repo, dir.resolve("keys"), List.of(packages), bench.anchors());
        repositories.add(repository, repo.toUri(), repo.resolve("metadata/1.root.json"));
    }

    private StationPolicy policy(int parallel, StationPolicy.Rule... rules) {
        return new StationPolicy(List.of(rules), parallel, false, Duration.ofMinutes(10), List.of(ca),
                SessionOptions.DEFAULTS.withStallTimeout(Duration.ofSeconds(3)).withRetries(0));
    }

    private static StationPolicy.Rule rule(String model, String repository, String target, Path file) {
        return new StationPolicy.Rule(model, repository, target, file);
    }

    private static BoardEntry entry(StationRun run, SimulatedDevice device) {
        return run.board().stream().filter(e -> device.imei().equals(e.imei())).findFirst()
                .orElseThrow(() -> new AssertionError(device.imei() + " is not on the board: " + run.board()));
    }
}
