package dev.flashgate.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.event.Event;

import dev.flashgate.core.Topics;

/** The Log view: entries made from Flashgate's events, filtered, exported whole. */
class LogPartTest {

    private static final Instant T = Instant.parse("2026-11-25T10:00:00Z");

    @TempDir
    Path dir;

    private SwtBench swt;

    @BeforeEach
    void setUp() {
        SwtBench.assumeDisplay();
        swt = new SwtBench();
    }

    @AfterEach
    void tearDown() {
        if (swt != null) {
            swt.close();
        }
    }

    private static LogEntry entry(String topic, Map<String, Object> properties) {
        return LogEntry.of(new Event(topic, properties), T);
    }

    private static LogBook book() {
        LogBook book = new LogBook();
        book.add(entry(Topics.DEVICE_ADDED, Map.of(Topics.KEY_IMEI, "111", Topics.KEY_MODEL, "HS920S",
                Topics.KEY_PORTS, new String[] {"/dev/pts/3"})));
        book.add(entry(Topics.SESSION_LOG, Map.of(Topics.KEY_SESSION, "aaaa1111", Topics.KEY_IMEI, "111",
                Topics.KEY_MESSAGE, "uploading 2097152 bytes")));
        book.add(entry(Topics.SESSION_PREFIX + "FAILED", Map.of(Topics.KEY_SESSION, "bbbb2222", Topics.KEY_DEVICE, "imei:222",
                Topics.KEY_STATE, "FAILED", Topics.KEY_CODE, "DEVICE_STALLED", Topics.KEY_DETAIL, "no data for 5 s")));
        book.add(entry(Topics.SESSION_PREFIX + "CANCELLED", Map.of(Topics.KEY_SESSION, "cccc3333", Topics.KEY_IMEI, "111",
                Topics.KEY_STATE, "CANCELLED", Topics.KEY_CODE, "CANCELLED")));
        return book;
    }

    @Test
    void eventsBecomeEntriesWithALevelAndProgressIsLeftOut() {
        LogEntry failed = entry(Topics.SESSION_PREFIX + "FAILED", Map.of(Topics.KEY_SESSION, "s", Topics.KEY_DEVICE, "imei:2",
                Topics.KEY_CODE, "DEVICE_NAK", Topics.KEY_DETAIL, "ATI answered ERROR"));
        assertEquals(LogEntry.Level.ERROR, failed.level());
        assertEquals("imei:2", failed.device());
        assertEquals("session/failed: DEVICE_NAK (ATI answered ERROR)", failed.message());
        assertEquals(LogEntry.Level.INFO, entry(Topics.SESSION_PREFIX + "TRANSFERRING", Map.of(Topics.KEY_SESSION, "s")).level());
        assertEquals("device/added HS920S on /dev/pts/3, /dev/pts/4", entry(Topics.DEVICE_ADDED, Map.of(Topics.KEY_MODEL, "HS920S",
                Topics.KEY_PORTS, new String[] {"/dev/pts/3", "/dev/pts/4"})).message());
        assertNull(entry(Topics.SESSION_PROGRESS, Map.of(Topics.KEY_DONE, 1L, Topics.KEY_TOTAL, 2L)));
        assertNull(entry("org/osgi/framework/BundleEvent/STARTED", Map.of()));
    }

    @Test
    void theViewFiltersByLevelDeviceAndTextAndExportsWhatItShows() throws Exception {
        LogPart part = new LogPart(book(), swt.sync());
        part.create(swt.parent());
        swt.open();
        assertEquals(4, part.table().getItemCount());
        part.device().setText("111");
        assertEquals(3, part.table().getItemCount(), "the modify listener filters at once");
        part.level().select(LogEntry.Level.WARN.ordinal());
        part.refresh();
        assertEquals(1, part.table().getItemCount());
        assertEquals("WARN", part.table().getItem(0).getText(1));
        part.device().setText("");
        assertEquals(2, part.table().getItemCount(), "WARN and ERROR of every device");
        Path file = dir.resolve("log.tsv");
        part.export(file);
        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).startsWith("2026-11-25T10:00:00Z\tERROR\timei:222\tbbbb2222\tsession/failed: DEVICE_STALLED"), lines.get(0));
        assertTrue(part.status().startsWith("Exported 2 entries"), part.status());
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.toString().endsWith(".part")), "no part file is left");
        }
        assertEquals(String.join("\n", lines) + "\n", part.selectedText());
        swt.screenshot("log");
    }

    @Test
    void anExportThatCannotBeWrittenSaysSoAndLeavesNoFile() {
        LogPart part = new LogPart(book(), swt.sync());
        part.create(swt.parent());
        Path missing = dir.resolve("no/such/folder/log.tsv");
        part.export(missing);
        assertTrue(part.status().startsWith("Export failed"), part.status());
        assertFalse(Files.exists(missing));
    }
}
