package dev.flashgate.plugin.ymodem.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.device.Device;
import dev.flashgate.core.pkg.PackRequest;
import dev.flashgate.core.session.SessionState;
import dev.flashgate.simulator.DemoFirmware;
import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.testkit.PluginBench;
import dev.flashgate.upgrade.PluginInfo;
import dev.flashgate.upgrade.SessionOptions;
import dev.flashgate.upgrade.SessionStatus;
import dev.flashgate.upgrade.UpdateSessions;

/** The engine follows plugins as they come and go, and says which plugin handles a device. */
class PluginLifecycleTest {

    @TempDir
    Path dir;

    @Test
    void aPluginThatGoesAwayIsNoLongerOfferedAndComesBackWhenEnabled() throws Exception {
        try (PluginBench bench = new PluginBench(dir)) {
            UpdateSessions sessions = bench.sessions();
            ServiceComponentRuntime scr = bench.service(ServiceComponentRuntime.class);
            ComponentDescriptionDTO plugin = scr.getComponentDescriptionDTO(
                    FrameworkUtil.getBundle(AtYmodemPlugin.class), AtYmodemPlugin.class.getName());
            SimulatedDevice hotspot = bench.start("HS920S");
            Device device = bench.discovered(hotspot);
            PluginInfo info = sessions.pluginsFor(device).get(0);
            assertEquals(AtYmodemPlugin.ID, info.id());
            assertEquals(List.of("HS920S"), info.series().get(0).models());

            Path image = dir.resolve("image.bin");
            DemoFirmware.image(image, "HS920S", "FG_HS920S_L01", 3, 64 * 1024, 1);
            Path pkg = bench.pack("lifecycle", Map.of("vendor", "Test", "version", "FG_HS920S_L01", "versionCode", 1L,
                    "securityVersion", 3L, "target.plugin", AtYmodemPlugin.ID, "target.models", List.of("HS920S")),
                    List.of(new PackRequest.Source(image, "images/hs920s.bin", "image")), true);
            scr.disableComponent(plugin).getValue();
            try {
                awaitPlugins(sessions, false);
                assertTrue(sessions.pluginsFor(device).isEmpty());
                SessionStatus refused = bench.run(bench.request(pkg, device, SessionOptions.DEFAULTS, false));
                assertEquals(ErrorCode.NO_PLUGIN, refused.record().code());
                assertEquals(SessionState.PREFLIGHT, refused.record().lastActive());
            } finally {
                scr.enableComponent(plugin).getValue();
            }
            awaitPlugins(sessions, true);
            assertEquals(SessionState.SUCCEEDED, bench.run(bench.request(pkg, device, SessionOptions.DEFAULTS, false))
                    .record().state());
        }
    }

    private static void awaitPlugins(UpdateSessions sessions, boolean present) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (sessions.plugins().stream().anyMatch(p -> p.id().equals(AtYmodemPlugin.ID)) != present
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(present, sessions.plugins().stream().anyMatch(p -> p.id().equals(AtYmodemPlugin.ID)));
        assertFalse(present && sessions.plugins().isEmpty());
    }
}
