package dev.flashgate.upgrade.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.device.Device;
import dev.flashgate.core.pkg.PackRequest;
import dev.flashgate.core.session.DeviceCondition;
import dev.flashgate.core.session.SessionRecord;
import dev.flashgate.core.session.SessionState;
import dev.flashgate.core.session.Transition;
import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.testkit.PluginBench;
import dev.flashgate.upgrade.DeviceFacts;
import dev.flashgate.upgrade.DeviceSeries;
import dev.flashgate.upgrade.PluginInfo;
import dev.flashgate.upgrade.SessionOptions;
import dev.flashgate.upgrade.SessionStatus;
import dev.flashgate.upgrade.UpgradeContext;
import dev.flashgate.upgrade.UpgradeJob;
import dev.flashgate.upgrade.UpgradePlugin;

/**
 * An {@link Error} thrown inside a session (a plugin running out of heap, a stack exhausted) ends
 * the session with a typed outcome in the journal; the caller waiting for it is told, never left
 * waiting on a thread that died.
 */
class SessionErrorTest {

    private static final String PLUGIN = "error-test";

    /** Where the plugin breaks, with what, and what the session must say. */
    enum Breakage {
        OUT_OF_MEMORY_IN_PREFLIGHT(SessionState.PREFLIGHT, () -> new OutOfMemoryError("Java heap space"), ErrorCode.HOST_LOW_MEMORY),
        STACK_OVERFLOW_IN_TRANSFER(SessionState.TRANSFERRING, StackOverflowError::new, ErrorCode.INTERNAL),
        LINKAGE_ERROR_IN_ACTIVATION(SessionState.ACTIVATING, () -> new NoClassDefFoundError("vendor/Missing"), ErrorCode.INTERNAL);

        final SessionState at;
        final Supplier<Error> error;
        final ErrorCode code;

        Breakage(SessionState at, Supplier<Error> error, ErrorCode code) {
            this.at = at;
            this.error = error;
            this.code = code;
        }
    }

    @TempDir
    Path dir;

    private PluginBench bench;
    private ServiceRegistration<UpgradePlugin> registration;
    private volatile Breakage breakage;

    @BeforeEach
    void setUp() throws Exception {
        bench = new PluginBench(dir);
        registration = FrameworkUtil.getBundle(SessionErrorTest.class).getBundleContext()
                .registerService(UpgradePlugin.class, new BreakingPlugin(), null);
    }

    @AfterEach
    void tearDown() throws Exception {
        registration.unregister();
        bench.close();
    }

    @ParameterizedTest
    @EnumSource(Breakage.class)
    void anErrorInsideASessionIsATypedFailureInTheJournal(Breakage b) throws Exception {
        breakage = b;
        SimulatedDevice hotspot = bench.start("HS920S");
        Device device = bench.discovered(hotspot);
        Path image = Files.writeString(dir.resolve("image.bin"), "image");
        Path pkg = bench.pack("error-" + b, Map.of("vendor", "Test", "version", "E1", "versionCode", 1L,
                "target.plugin", PLUGIN, "target.models", List.of("HS920S")),
                List.of(new PackRequest.Source(image, "images/image.bin", "image")), true);

        SessionStatus end = bench.run(bench.request(pkg, device, SessionOptions.DEFAULTS, true));

        SessionRecord outcome = end.record();
        assertEquals(SessionState.FAILED, outcome.state(), outcome::toString);
        assertEquals(b.code, outcome.code(), outcome::toString);
        assertEquals(b.at, outcome.lastActive(), outcome::toString);
        SessionRecord journaled = bench.journal().session(outcome.id()).orElseThrow();
        assertEquals(SessionState.FAILED, journaled.state());
        assertEquals(b.code, journaled.code());
        List<Transition> transitions = bench.journal().transitions(outcome.id());
        assertEquals(SessionState.FAILED, transitions.get(transitions.size() - 1).state());
        if (b.at == SessionState.PREFLIGHT) {
            assertEquals(DeviceCondition.Kind.UNTOUCHED, journaled.condition().kind(), journaled.condition()::toString);
        }
        assertTrue(bench.events(outcome.id(), "FAILED").contains("FAILED"));
    }

    private final class BreakingPlugin implements UpgradePlugin {
        @Override
        public PluginInfo info() {
            return new PluginInfo(PLUGIN, "Breaks on purpose", "1.0.0", "Flashgate tests", List.of(new DeviceSeries("Flashgate tests", "hotspot", "test", List.of("HS920S"), List.of())));
        }

        @Override
        public boolean handles(Device device) {
            return device.identity() != null && "HS920S".equals(device.identity().model());
        }

        @Override
        public UpgradeJob begin(UpgradeContext context) {
            return new UpgradeJob() {
                private void step(SessionState state) {
                    if (breakage.at == state) {
                        throw breakage.error.get();
                    }
                }

                @Override
                public DeviceFacts facts() {
                    step(SessionState.PREFLIGHT);
                    var id = context.device().identity();
                    return new DeviceFacts(id.imei(), id.model(), id.revision(), null, null, -1, -1, -1);
                }

                @Override
                public long requiredStorage() {
                    return 0;
                }

                @Override
                public void prepare() {
                }

                @Override
                public void transfer() {
                    step(SessionState.TRANSFERRING);
                }

                @Override
                public void verifyOnDevice() {
                }

                @Override
                public void activate() {
                    step(SessionState.ACTIVATING);
                }

                @Override
                public DeviceCondition condition(SessionState state, dev.flashgate.core.FlashgateException failure) {
                    return new DeviceCondition(DeviceCondition.Kind.UNKNOWN, "test plugin");
                }
            };
        }
    }
}
