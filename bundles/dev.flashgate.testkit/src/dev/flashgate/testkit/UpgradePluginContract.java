package dev.flashgate.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.Device;
import dev.flashgate.core.pkg.PackRequest;
import dev.flashgate.core.session.DeviceCondition;
import dev.flashgate.core.session.SessionRecord;
import dev.flashgate.core.session.SessionState;
import dev.flashgate.core.session.Transition;
import dev.flashgate.simulator.Faults;
import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.upgrade.SessionOptions;
import dev.flashgate.upgrade.SessionStatus;
import dev.flashgate.upgrade.UpdateSession;

/**
 * What every upgrade plugin must do against its simulator, through the real session engine:
 * update, survive or report each fault knob, cancel, stall, vanish, and let the engine's
 * preflight refuse what must not reach the device. A plugin's test bundle extends this class.
 */
public abstract class UpgradePluginContract {

    /** Short timeouts so faults show quickly; real stations use the defaults. */
    protected static final SessionOptions OPTIONS = SessionOptions.DEFAULTS.withStallTimeout(Duration.ofMillis(1500))
            .withReconnectTimeout(Duration.ofSeconds(8)).withRetries(2);

    @TempDir
    protected Path dir;

    protected PluginBench bench;

    /** The simulated model this plugin updates, e.g. {@code HS920S}. */
    protected abstract String model();

    /** The plugin id packages name in {@code target.plugin}. */
    protected abstract String pluginId();

    /** The files of a package that installs firmware {@code version} of {@code firmwareModel}. */
    protected abstract List<PackRequest.Source> firmware(Path dir, String firmwareModel, String version, int securityVersion)
            throws IOException;

    /** Fault knobs the simulator implements for this plugin's device; tests of others are skipped. */
    protected Set<String> faultKnobs() {
        return Set.of("drop-after", "stall-after", "nak-next", "storage-full", "power-loss-after", "power-loss-during-activation",
                "corrupt-write");
    }

    private void requireKnob(String knob) {
        Assumptions.assumeTrue(faultKnobs().contains(knob), () -> model() + " has no " + knob + " fault");
    }

    /** Manifest fields for the device's target besides plugin and models (e.g. the chipset). */
    protected Map<String, Object> targetFields() {
        return Map.of();
    }

    @BeforeEach
    void bench() throws Exception {
        bench = new PluginBench(dir);
    }

    @AfterEach
    void closeBench() throws Exception {
        bench.close();
    }

    /** A signed package of this model's firmware {@code version}. */
    protected Path pkg(String version, long versionCode, int securityVersion, Map<String, Object> extraFields, boolean trusted)
            throws Exception {
        Path files = dir.resolve(version);
        java.nio.file.Files.createDirectories(files);
        Map<String, Object> fields = new HashMap<>(targetFields());
        fields.put("vendor", "Contract kit");
        fields.put("version", version);
        fields.put("versionCode", versionCode);
        fields.put("securityVersion", (long) securityVersion);
        fields.put("target.plugin", pluginId());
        fields.put("target.models", List.of(model()));
        fields.putAll(extraFields);
        return bench.pack(version + "-" + versionCode + "-" + extraFields.hashCode() + (trusted ? "" : "-untrusted"), fields,
                firmware(files, model(), version, securityVersion), trusted);
    }

    protected Path pkg(String version, long versionCode, int securityVersion) throws Exception {
        return pkg(version, versionCode, securityVersion, Map.of(), true);
    }

    private SessionStatus flash(Path pkg, Device device) throws Exception {
        return bench.run(bench.request(pkg, device, OPTIONS, false));
    }

    private static void assertOutcome(SessionStatus s, SessionState state, ErrorCode code) {
        SessionRecord r = s.record();
        assertEquals(state, r.state(), () -> "outcome " + r);
        assertEquals(code, r.code(), () -> "outcome " + r);
    }

    /** After whatever happened, the device powers up into a working firmware (possibly after a retry). */
    private void assertBootable(SimulatedDevice device) {
        assertFalse(device.condition().startsWith("needs"), device.condition());
    }

    /**
     * The device boots, or it says it needs recovery and the technician's recovery works: power-cycle
     * it, then run the session again on the device as discovery shows it (in emergency download, say).
     */
    private void assertRecoverable(SimulatedDevice device, Path pkg, String version) throws Exception {
        if (!device.condition().startsWith("needs")) {
            return;
        }
        device.reenumerate();
        SessionStatus recovery = flash(pkg, bench.present(device));
        assertOutcome(recovery, SessionState.SUCCEEDED, null);
        assertEquals(version, device.revision());
        assertBootable(device);
    }

    @Test
    void updatesTheDeviceAndJournalsEveryTransition() throws Exception {
        SimulatedDevice device = bench.start(model());
        Device found = bench.discovered(device);
        String before = device.revision();
        SessionStatus s = flash(pkg("FG_" + model() + "_K01", 500, 5), found);
        assertOutcome(s, SessionState.SUCCEEDED, null);
        assertEquals("FG_" + model() + "_K01", device.revision());
        assertEquals(before, s.record().revisionBefore());
        assertEquals(device.imei(), s.record().imei());
        assertEquals(DeviceCondition.Kind.UPDATED, s.record().condition().kind());
        List<String> journaled = bench.journal().transitions(s.record().id()).stream().map(t -> t.state().name()).toList();
        assertEquals(List.of("PENDING", "VERIFYING", "PREFLIGHT", "PREPARING", "TRANSFERRING", "VERIFYING_DEVICE", "ACTIVATING",
                "SUCCEEDED"), journaled);
        assertEquals(journaled, bench.events(s.record().id(), "SUCCEEDED"));
        assertEquals(5, bench.journal().installedSecurityVersion(device.imei()).orElseThrow());
        assertEquals(s.record(), bench.journal().session(s.record().id()).orElseThrow());
    }

    @Test
    void aDroppedLinkMidTransferIsRetriedOnceTheDeviceIsBack() throws Exception {
        SimulatedDevice device = bench.start(model());
        Device found = bench.discovered(device);
        Path pkg = pkg("FG_" + model() + "_K02", 500, 5);
        device.inject(Faults.parse(List.of("drop-after=" + midTransfer(pkg))));
        bench.replugWhenGone(device);
        SessionStatus s = flash(pkg, found);
        assertOutcome(s, SessionState.SUCCEEDED, null);
        assertEquals("FG_" + model() + "_K02", device.revision());
        List<Transition> transitions = bench.journal().transitions(s.record().id());
        assertTrue(transitions.stream().filter(t -> t.state() == SessionState.PREPARING).count() >= 2, transitions::toString);
    }

    @Test
    void aDeviceThatDoesNotComeBackEndsInDeviceGoneAndStillBoots() throws Exception {
        SimulatedDevice device = bench.start(model());
        Device found = bench.discovered(device);
        String before = device.revision();
        Path pkg = pkg("FG_" + model() + "_K03", 500, 5);
        device.inject(Faults.parse(List.of("drop-after=" + midTransfer(pkg))));
        SessionStatus s = flash(pkg, found);
        assertOutcome(s, SessionState.FAILED, ErrorCode.DEVICE_GONE);
        assertNotEquals(DeviceCondition.Kind.UPDATED, s.record().condition().kind());
        bench.present(device);
        assertEquals(before, device.revision());
        assertRecoverable(device, pkg, "FG_" + model() + "_K03");
    }

    @Test
    void aStalledDeviceTripsTheWatchdog() throws Exception {
        SimulatedDevice device = bench.start(model());
        Device found = bench.discovered(device);
        String before = device.revision();
        Path pkg = pkg("FG_" + model() + "_K04", 500, 5);
        device.inject(Faults.parse(List.of("stall-after=" + midTransfer(pkg), "stall-ms=20000")));
        Instant start = Instant.now();
        SessionStatus s = flash(pkg, found);
        assertOutcome(s, SessionState.FAILED, ErrorCode.DEVICE_STALLED);
        assertTrue(Duration.between(start, Instant.now()).toSeconds() < 15, "the watchdog took too long");
        assertEquals(before, device.revision());
        assertRecoverable(device, pkg, "FG_" + model() + "_K04");
    }

    @Test
    void aRefusedCommandIsADeviceNakAndLeavesTheDeviceUntouched() throws Exception {
        requireKnob("nak-next");
        assertRefusedUntouched("nak-next", "FG_" + model() + "_K05", ErrorCode.DEVICE_NAK);
    }

    @Test
    void fullStorageIsRefusedBeforeAnythingIsWritten() throws Exception {
        requireKnob("storage-full");
        assertRefusedUntouched("storage-full", "FG_" + model() + "_K06", ErrorCode.DEVICE_STORAGE_FULL);
    }

    /** With {@code fault} armed, a session for {@code version} fails with {@code code} and the device is as it was. */
    private void assertRefusedUntouched(String fault, String version, ErrorCode code) throws Exception {
        SimulatedDevice device = bench.start(model());
        Device found = bench.discovered(device);
        String before = device.revision();
        device.inject(Faults.parse(List.of(fault)));
        SessionStatus s = flash(pkg(version, 500, 5), found);
        assertOutcome(s, SessionState.FAILED, code);
        assertEquals(DeviceCondition.Kind.UNTOUCHED, s.record().condition().kind());
        assertEquals(before, device.revision());
    }

    @Test
    void anImageThatReadsBackWrongIsNeverActivatedAndASecondSessionRepairsIt() throws Exception {
        requireKnob("corrupt-write");
        SimulatedDevice device = bench.start(model());
        Device found = bench.discovered(device);
        String before = device.revision();
        String version = "FG_" + model() + "_K20";
        Path pkg = pkg(version, 500, 5);
        device.inject(Faults.parse(List.of("corrupt-write")));
        SessionStatus s = flash(pkg, found);
        assertOutcome(s, SessionState.FAILED, ErrorCode.READBACK_MISMATCH);
        assertEquals(SessionState.VERIFYING_DEVICE, s.record().lastActive());
        assertNotEquals(DeviceCondition.Kind.UPDATED, s.record().condition().kind());
        assertEquals(before, device.revision());
        assertRecoverable(device, pkg, version);
        if (!version.equals(device.revision())) { // it still boots its old firmware: simply run the session again
            assertOutcome(flash(pkg, bench.present(device)), SessionState.SUCCEEDED, null);
        }
        assertEquals(version, device.revision());
    }

    @Test
    void powerLossMidTransferRecoversWhenPowerReturns() throws Exception {
        SimulatedDevice device = bench.start(model());
        Device found = bench.discovered(device);
        Path pkg = pkg("FG_" + model() + "_K07", 500, 5);
        device.inject(Faults.parse(List.of("power-loss-after=" + midTransfer(pkg))));
        bench.replugWhenGone(device);
        SessionStatus s = flash(pkg, found);
        assertOutcome(s, SessionState.SUCCEEDED, null);
        assertEquals("FG_" + model() + "_K07", device.revision());
        assertBootable(device);
    }

    @Test
    void powerLossDuringActivationLeavesADeviceThatASecondSessionUpdates() throws Exception {
        requireKnob("power-loss-during-activation");
        SimulatedDevice device = bench.start(model());
        Device found = bench.discovered(device);
        Path pkg = pkg("FG_" + model() + "_K08", 500, 5);
        device.inject(Faults.parse(List.of("power-loss-after=" + (1L << 40))));
        SessionStatus s = flash(pkg, found);
        assertOutcome(s, SessionState.FAILED, ErrorCode.DEVICE_GONE);
        assertEquals(SessionState.ACTIVATING, s.record().lastActive());
        Device back = bench.powerBack(device);
        SessionStatus again = flash(pkg, back);
        assertOutcome(again, SessionState.SUCCEEDED, null);
        assertEquals("FG_" + model() + "_K08", device.revision());
    }

    @Test
    void cancelLeavesTheDeviceAsItWas() throws Exception {
        SimulatedDevice device = bench.start(model());
        Device found = bench.discovered(device);
        String before = device.revision();
        Path pkg = pkg("FG_" + model() + "_K09", 500, 5);
        device.inject(Faults.parse(List.of("stall-after=" + midTransfer(pkg), "stall-ms=800")));
        UpdateSession session = bench.sessions().start(bench.request(pkg, found,
                OPTIONS.withStallTimeout(Duration.ofSeconds(30)), false));
        awaitState(session, SessionState.TRANSFERRING);
        Thread.sleep(300);
        session.cancel();
        SessionStatus s = session.await(Duration.ofSeconds(30));
        assertOutcome(s, SessionState.CANCELLED, ErrorCode.CANCELLED);
        DeviceCondition.Kind left = s.record().condition().kind();
        assertTrue(left == DeviceCondition.Kind.UNTOUCHED || left == DeviceCondition.Kind.RECOVERABLE, s.record()::toString);
        assertEquals(before, device.revision());
        if (left == DeviceCondition.Kind.RECOVERABLE) {
            device.reenumerate(); // the recovery the condition states: power-cycle, then run the session again
        }
        assertOutcome(flash(pkg, bench.present(device)), SessionState.SUCCEEDED, null);
    }

    @Test
    void aDeviceThatIsGoneBeforeTheStartIsNeverTouched() throws Exception {
        SimulatedDevice device = bench.start(model());
        Device found = bench.discovered(device);
        device.close();
        awaitGone(found);
        SessionStatus s = flash(pkg("FG_" + model() + "_K10", 500, 5), found);
        assertOutcome(s, SessionState.FAILED, ErrorCode.DEVICE_GONE);
        assertEquals(SessionState.PREFLIGHT, s.record().lastActive());
        assertEquals(DeviceCondition.Kind.UNTOUCHED, s.record().condition().kind());
    }

    @Test
    void aSecondSessionForTheSameDeviceIsRefusedWhileTheFirstRuns() throws Exception {
        SimulatedDevice device = bench.start(model());
        Device found = bench.discovered(device);
        Path pkg = pkg("FG_" + model() + "_K11", 500, 5);
        device.inject(Faults.parse(List.of("stall-after=" + midTransfer(pkg), "stall-ms=1000")));
        UpdateSession first = bench.sessions().start(bench.request(pkg, found, OPTIONS.withStallTimeout(Duration.ofSeconds(10)), false));
        FlashgateException busy = assertThrows(FlashgateException.class,
                () -> bench.sessions().start(bench.request(pkg, found, OPTIONS, false)));
        assertEquals(ErrorCode.DEVICE_BUSY, busy.code());
        assertOutcome(first.await(Duration.ofSeconds(60)), SessionState.SUCCEEDED, null);
    }

    @Test
    void preflightRefusesWhatIsNotForThisDevice() throws Exception {
        SimulatedDevice device = bench.start(model());
        Device found = bench.discovered(device);
        String before = device.revision();
        assertRefused(found, pkg("FG_X_K12", 500, 5, Map.of("target.models", List.of("NOT" + model())), true),
                ErrorCode.INCOMPATIBLE_MODEL, SessionState.PREFLIGHT);
        assertRefused(found, pkg("FG_X_K13", 500, 5, Map.of("target.hardwareRevisions", List.of("Z9")), true),
                ErrorCode.INCOMPATIBLE_HARDWARE, SessionState.PREFLIGHT);
        assertRefused(found, pkg("FG_X_K17", 500, 5, Map.of("target.chipset", "NO-SUCH-CHIPSET"), true),
                ErrorCode.INCOMPATIBLE_CHIPSET, SessionState.PREFLIGHT);
        assertRefused(found, pkg("FG_X_K14", 500, 5, Map.of("expires", "2020-01-01T00:00:00Z"), true),
                ErrorCode.PACKAGE_EXPIRED, SessionState.PREFLIGHT);
        assertRefused(found, pkg("FG_X_K15", 500, 5, Map.of(), false), ErrorCode.SIG_UNTRUSTED, SessionState.VERIFYING);
        Path tampered = pkg("FG_X_K16", 500, 5);
        flipByteInTheMiddle(tampered);
        SessionStatus t = flash(tampered, found);
        assertEquals(SessionState.VERIFYING, t.record().lastActive());
        assertTrue(List.of(ErrorCode.HASH_MISMATCH, ErrorCode.PKG_NOT_ZIP, ErrorCode.SIG_INVALID).contains(t.record().code()),
                t.record()::toString);
        assertEquals(before, device.revision());
    }

    @Test
    void preflightRefusesWhenTheStationLacksDiskOrMemory() throws Exception {
        SimulatedDevice device = bench.start(model());
        Device found = bench.discovered(device);
        Path pkg = pkg("FG_" + model() + "_K18", 500, 5);
        SessionStatus disk = bench.run(bench.request(pkg, found, OPTIONS.withHostMinimums(Long.MAX_VALUE, 0), false));
        assertOutcome(disk, SessionState.FAILED, ErrorCode.HOST_DISK_FULL);
        SessionStatus memory = bench.run(bench.request(pkg, found, OPTIONS.withHostMinimums(0, Long.MAX_VALUE), false));
        assertOutcome(memory, SessionState.FAILED, ErrorCode.HOST_LOW_MEMORY);
        assertEquals(DeviceCondition.Kind.UNTOUCHED, memory.record().condition().kind());
    }

    @Test
    void versionRulesGuardDowngradesAndNeverAllowASecurityRollback() throws Exception {
        SimulatedDevice device = bench.start(model());
        Device found = bench.discovered(device);
        assertOutcome(flash(pkg("FG_" + model() + "_K20", 520, 6), found), SessionState.SUCCEEDED, null);
        Device now = bench.discovered(device);
        assertRefused(now, pkg("FG_" + model() + "_K19", 510, 6), ErrorCode.DOWNGRADE, SessionState.PREFLIGHT);
        assertRefused(now, pkg("FG_" + model() + "_K21", 530, 5), ErrorCode.SECURITY_VERSION_ROLLBACK, SessionState.PREFLIGHT);
        SessionStatus allowed = bench.run(bench.request(pkg("FG_" + model() + "_K19", 510, 6), now, OPTIONS, true));
        assertOutcome(allowed, SessionState.SUCCEEDED, null);
        assertEquals("FG_" + model() + "_K19", device.revision());
    }

    private void assertRefused(Device device, Path pkg, ErrorCode code, SessionState reached) throws Exception {
        SessionStatus s = flash(pkg, device);
        assertOutcome(s, SessionState.FAILED, code);
        assertEquals(reached, s.record().lastActive(), () -> s.record().toString());
        assertEquals(DeviceCondition.Kind.UNTOUCHED, s.record().condition().kind());
    }

    /** Half of the package's artifact bytes: a fault there hits the transfer, not the handshake. */
    private static long midTransfer(Path pkg) throws IOException {
        return java.nio.file.Files.size(pkg) / 2;
    }

    private static void flipByteInTheMiddle(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            long at = f.length() / 2;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x40);
        }
    }

    private static void awaitState(UpdateSession session, SessionState state) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (session.status().record().state() != state && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(state, session.status().record().state(), "the session never reached " + state);
    }

    private void awaitGone(Device device) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            var d = bench.service(dev.flashgate.core.device.DeviceDiscovery.class).devices().stream()
                    .filter(x -> x.id().equals(device.id())).findFirst();
            if (d.isEmpty() || d.get().presence() == Device.Presence.GONE) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("discovery still shows " + device.id());
    }
}
