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

    /**
     * A modem session keeps the modem's efs2 and fsg first; selected in the History view, it can
     * have them written back, after the technician agreed, as a restore session.
     */
    @Test
    void whatASessionKeptIsWrittenBackFromTheHistory() throws Exception {
        SimulatedDevice modem = bench.start("MF833S");
        SessionStatus s = bench.run(bench.request(bench.modemPackage("FG_MF833S_H02", 64 * 1024), bench.discovered(modem),
                SessionOptions.DEFAULTS, false));
        assertEquals(SessionState.SUCCEEDED, s.record().state(), s.record()::toString);
        SessionJournal journal = bench.service(SessionJournal.class);

        HistoryPart part = new HistoryPart(swt.sync());
        part.create(swt.parent());
        part.device().setText(modem.imei());
        part.setSessions(bench.sessions());
        part.setJournal(journal);
        swt.open();
        swt.until(() -> part.sessions().getItemCount() == 1, Duration.ofSeconds(10), "the modem's session is listed");
        assertTrue(!part.restoreButton().getEnabled(), "nothing selected, nothing to write back");
        part.select(0);
        swt.until(() -> part.restoreButton().getEnabled(), Duration.ofSeconds(10), "the session kept copies");
        List<String> asked = new java.util.ArrayList<>();
        part.confirmWith(question -> asked.add(question) && false);
        part.restoreButton().notifyListeners(org.eclipse.swt.SWT.Selection, new org.eclipse.swt.widgets.Event());
        assertEquals(1, asked.size());
        assertTrue(asked.get(0).contains("what session " + s.record().id() + " kept of it (efs2, fsg, programmer)"), asked.get(0));
        part.confirmWith(question -> true);
        part.restoreButton().notifyListeners(org.eclipse.swt.SWT.Selection, new org.eclipse.swt.widgets.Event());
        swt.until(() -> restored(journal, modem.imei(), s.record().id()), Duration.ofSeconds(60), "the restore session succeeds");
        assertEquals(2, journal.sessions(modem.imei(), 10).size(), "declined once, written back once");
        assertEquals("boots FG_MF833S_H02", modem.condition());
    }

    private static boolean restored(SessionJournal journal, String imei, String from) {
        try {
            return journal.sessions(imei, 10).stream().anyMatch(r -> ("restore of " + from).equals(r.version())
                    && r.state() == SessionState.SUCCEEDED);
        } catch (dev.flashgate.core.FlashgateException e) {
            throw new AssertionError(e);
        }
    }
}
