package dev.flashgate.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.Device;
import dev.flashgate.core.pkg.PackRequest;
import dev.flashgate.core.session.SessionJournal;
import dev.flashgate.core.session.SessionState;
import dev.flashgate.simulator.DemoFirmware;
import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.testkit.PluginBench;
import dev.flashgate.upgrade.RestoreRequest;
import dev.flashgate.upgrade.SessionOptions;
import dev.flashgate.upgrade.SessionStatus;
import dev.flashgate.upgrade.UpdateSessions;

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
     * A session that kept copies of its device (as modem sessions keep efs2 and fsg) offers to
     * write them back: after the technician agreed, the view asks the engine for exactly that
     * restore, and shows what the engine answered. (The restore session itself is tested through
     * the engine and the CLI with the simulated modem.)
     */
    @Test
    void whatASessionKeptIsOfferedForWritingBack() throws Exception {
        SimulatedDevice hotspot = bench.start("HS920S");
        Path image = dir.resolve("image.bin");
        DemoFirmware.image(image, "HS920S", "FG_HS920S_H03", 3, 64 * 1024, 8);
        Path pkg = bench.pack("FG_HS920S_H03", Map.of("vendor", "Workbench test", "version", "FG_HS920S_H03", "versionCode", 903L,
                "securityVersion", 3L, "target.plugin", "at-ymodem", "target.models", List.of("HS920S")),
                List.of(new PackRequest.Source(image, "images/hs920s.bin", "image")), true);
        SessionStatus s = bench.run(bench.request(pkg, bench.discovered(hotspot), SessionOptions.DEFAULTS, false));
        SessionJournal journal = bench.service(SessionJournal.class);
        journal.backup(new SessionJournal.Backup(s.record().id(), hotspot.imei(), "nvram", "ab".repeat(32), 4096,
                java.time.Instant.now()));
        List<RestoreRequest> requested = new java.util.concurrent.CopyOnWriteArrayList<>();
        UpdateSessions engine = (UpdateSessions) java.lang.reflect.Proxy.newProxyInstance(UpdateSessions.class.getClassLoader(),
                new Class<?>[] {UpdateSessions.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("restore")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    requested.add((RestoreRequest) args[0]);
                    throw new FlashgateException(ErrorCode.DEVICE_GONE, "no device with IMEI " + hotspot.imei() + " is attached");
                });

        HistoryPart part = new HistoryPart(swt.sync());
        part.create(swt.parent());
        part.device().setText(hotspot.imei());
        part.setSessions(engine);
        part.setJournal(journal);
        swt.open();
        swt.until(() -> part.sessions().getItemCount() == 1, Duration.ofSeconds(10), "the session is listed");
        assertTrue(!part.restoreButton().getEnabled(), "nothing selected, nothing to write back");
        part.select(0);
        swt.until(() -> part.restoreButton().getEnabled(), Duration.ofSeconds(10), "the session kept a copy");

        List<String> asked = new java.util.ArrayList<>();
        part.confirmWith(question -> asked.add(question) && false);
        part.restoreButton().notifyListeners(SWT.Selection, new Event());
        assertEquals(List.of(), requested, "declined: nothing asked of the engine");
        assertTrue(asked.get(0).contains("what session " + s.record().id() + " kept of it (nvram)"), asked.get(0));

        part.confirmWith(question -> true);
        part.restoreButton().notifyListeners(SWT.Selection, new Event());
        swt.until(() -> !requested.isEmpty(), Duration.ofSeconds(10), "the restore is asked for");
        assertEquals(new RestoreRequest(null, hotspot.imei(), s.record().id(), SessionOptions.DEFAULTS), requested.get(0));
        swt.until(() -> part.status().startsWith("Cannot write back: DEVICE_GONE"), Duration.ofSeconds(10), "the engine's answer is shown");
    }
}
