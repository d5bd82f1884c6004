package dev.flashgate.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.flashgate.core.device.Device;
import dev.flashgate.core.pkg.PackRequest;
import dev.flashgate.core.session.SessionJournal;
import dev.flashgate.core.session.SessionState;
import dev.flashgate.simulator.DemoFirmware;
import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.testkit.PluginBench;
import dev.flashgate.upgrade.SessionOptions;
import dev.flashgate.upgrade.SessionStatus;

/** The History view reads the journal per device and shows a session's transitions. */
class HistoryPartTest {

    @TempDir
    Path dir;

    private PluginBench bench;
    private SwtBench swt;

    @BeforeEach
    void setUp() throws Exception {
        SwtBench.assumeDisplay();
        bench = new PluginBench(dir);
        swt = new SwtBench();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (swt != null) {
            swt.close();
            bench.close();
        }
    }

    @Test
    void aDevicesSessionsAreListedWithTheirTransitions() throws Exception {
        SimulatedDevice hotspot = bench.start("HS920S");
        Device found = bench.discovered(hotspot);
        Path image = dir.resolve("image.bin");
        DemoFirmware.image(image, "HS920S", "FG_HS920S_H01", 3, 128 * 1024, 7);
        Path pkg = bench.pack("FG_HS920S_H01", Map.of("vendor", "Workbench test", "version", "FG_HS920S_H01", "versionCode", 901L,
                "securityVersion", 3L, "target.plugin", "at-ymodem", "target.models", List.of("HS920S")),
                List.of(new PackRequest.Source(image, "images/hs920s.bin", "image")), true);
        SessionStatus s = bench.run(bench.request(pkg, found, SessionOptions.DEFAULTS, false));
        assertEquals(SessionState.SUCCEEDED, s.record().state(), s.record()::toString);

        HistoryPart part = new HistoryPart(swt.sync());
        part.create(swt.parent());
        part.device().setText(hotspot.imei());
        part.setJournal(bench.service(SessionJournal.class));
        swt.open();
        swt.until(() -> part.sessions().getItemCount() == 1, Duration.ofSeconds(10), "the device's session is listed");
        assertEquals(hotspot.imei(), part.sessions().getItem(0).getText(1));
        assertEquals("FG_HS920S_H01", part.sessions().getItem(0).getText(3));
        assertEquals("SUCCEEDED", part.sessions().getItem(0).getText(4));
        part.select(0);
        swt.until(() -> part.transitions().getItemCount() == 8, Duration.ofSeconds(10), "its eight transitions are shown");
        assertEquals("PENDING", part.transitions().getItem(0).getText(2));
        assertEquals("SUCCEEDED", part.transitions().getItem(7).getText(2));
        swt.screenshot("history");
        part.device().setText("000000000000000");
        part.reload();
        swt.until(() -> part.sessions().getItemCount() == 0, Duration.ofSeconds(10), "another device has none");
        assertTrue(part.transitions().getItemCount() == 0);
    }
}
