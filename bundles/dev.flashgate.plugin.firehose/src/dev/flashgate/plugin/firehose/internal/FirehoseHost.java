package dev.flashgate.plugin.firehose.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.w3c.dom.Element;
import org.w3c.dom.Node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;

/**
 * The host side of Firehose: XML commands, each answered by {@code <log/>} documents (passed to
 * the session log) and one {@code <response/>}; raw-mode streaming for program. Documents from
 * the device are size-limited and parsed with external entities off; every wait has a deadline.
 */
final class FirehoseHost {

    static final int DEFAULT_PAYLOAD = 1 << 20;
    private static final int MAX_DOCUMENT = 64 * 1024;
    private static final byte[] END = "</data>".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The level real programmers put before a log value. */
    private static final Pattern LEVEL = Pattern.compile("(?:INFO|ERROR|WARN|WARNING|DEBUG):\\s*");

    /** A device's answer: ACK or NAK, its attributes, and the log lines that came before it. */
    record Response(boolean ack, Element element, java.util.List<String> logs) {
        String attribute(String name) {
            return element.getAttribute(name);
        }
    }

    private final SerialLink link;
    private final Duration timeout;
    private final Consumer<String> log;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private int payload = DEFAULT_PAYLOAD;
    private String target;
    /** The NAND's page size, once getstorageinfo said it; -1 before. */
    private int pageSize = -1;

    FirehoseHost(SerialLink link, Duration timeout, Consumer<String> log) {
        this.link = link;
        this.timeout = timeout;
        this.log = log;
    }

    /** Configures NAND with the largest payload the device takes, after its NAK says which. */
    int configure(int wanted) throws FlashgateException {
        Response r = command("<configure MemoryName=\"nand\" MaxPayloadSizeToTargetInBytes=\"" + wanted
                + "\" ZLPAwareHost=\"1\" SkipStorageInit=\"0\" Verbose=\"0\"/>");
        if (!r.ack()) {
            String supported = r.attribute("MaxPayloadSizeToTargetInBytesSupported");
            long size = parsePayload(supported);
            if (size <= 0 || size >= wanted) {
                throw new FlashgateException(ErrorCode.DEVICE_NAK, "the programmer refused configure (payload " + wanted
                        + ", supported '" + supported + "')");
            }
            log.accept("the programmer takes at most " + size + " bytes per payload; configuring again");
            return configure((int) size);
        }
        payload = wanted;
        target = r.attribute("TargetName").isBlank() ? null : r.attribute("TargetName").trim();
        return payload;
    }

    /** The flash as {@code getstorageinfo} describes it. */
    record Geometry(int pageSize, long blockSize, long blocks) {
    }

    /**
     * The flash geometry from {@code getstorageinfo}: NAND programmers log it as a JSON
     * {@code storage_info} object ({@code page_size}, {@code block_size}, {@code total_blocks}).
     */
    Geometry storageInfo() throws FlashgateException {
        Response r = command("<getstorageinfo physical_partition_number=\"0\"/>");
        if (!r.ack()) {
            throw new FlashgateException(ErrorCode.DEVICE_NAK, "the programmer refused getstorageinfo");
        }
        for (String line : r.logs()) {
            if (!line.contains("\"storage_info\"")) {
                continue;
            }
            try {
                JsonNode info = JSON.readTree(line).path("storage_info");
                int page = info.path("page_size").asInt(-1);
                long block = info.path("block_size").asLong(-1);
                long blocks = info.path("total_blocks").asLong(-1);
                if (page > 0 && page <= RawProgram.MAX_SECTOR && block >= page && block % page == 0 && blocks > 0) {
                    pageSize = page;
                    return new Geometry(page, block, blocks);
                }
            } catch (IOException | RuntimeException e) {
                // not the JSON NAND programmers write: looked for in the next line
            }
        }
        throw new FlashgateException(ErrorCode.DEVICE_NAK, "the programmer's getstorageinfo gave no NAND geometry (page_size, "
                + "block_size, total_blocks)");
    }

    /**
     * A range in the device's own sectors (its NAND pages, once {@link #storageInfo} told them):
     * a NAND programmer NAKs a command whose {@code SECTOR_SIZE_IN_BYTES} is not its page size, so
     * a layout counted in other sectors is converted, in bytes. {@code roundUp} lets a read end on
     * the next page boundary; where a range does not start (or, unless rounding, end) on a page
     * boundary, there is no such command: {@code LAYOUT_MISMATCH}.
     */
    Range onDevice(Range range, boolean roundUp) throws FlashgateException {
        if (pageSize <= 0 || range.sectorSize() == pageSize) {
            return range;
        }
        long start = range.start() * range.sectorSize();
        long bytes = range.bytes();
        if (start % pageSize != 0 || !roundUp && bytes % pageSize != 0) {
            throw new FlashgateException(ErrorCode.LAYOUT_MISMATCH, "sectors " + range.start() + "+" + range.sectors() + " of "
                    + range.sectorSize() + " bytes are not whole pages of this device's NAND (" + pageSize + " bytes)");
        }
        return new Range(start / pageSize, (bytes + pageSize - 1) / pageSize, pageSize);
    }

    /** The chip the programmer says it runs on ({@code TargetName} of configure), or {@code null}. */
    String target() {
        return target;
    }

    /** Reads a small range back (at most {@code limit} bytes), e.g. a firmware header. */
    byte[] read(Range asked, int limit) throws FlashgateException {
        Range range = onDevice(asked, true);
        if (range.bytes() > limit) {
            throw new IllegalArgumentException("reads are for headers: " + range.bytes() + " > " + limit);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) range.bytes());
        try {
            readTo(range, out);
        } catch (IOException e) {
            throw new IllegalStateException("a byte array does not fail", e);
        }
        return out.toByteArray();
    }

    /** Streams a range of the flash to {@code out} as the device sends it (raw mode), however large. */
    void readTo(Range asked, OutputStream out) throws FlashgateException, IOException {
        Range range = onDevice(asked, false);
        Response r = command("<read SECTOR_SIZE_IN_BYTES=\"" + range.sectorSize() + "\" num_partition_sectors=\"" + range.sectors()
                + "\" physical_partition_number=\"0\" start_sector=\"" + range.start() + "\"/>");
        if (!r.ack() || !"true".equalsIgnoreCase(r.attribute("rawmode"))) {
            throw new FlashgateException(ErrorCode.DEVICE_NAK, "the programmer refused to read sectors " + range.start() + "+"
                    + range.sectors());
        }
        long left = range.bytes();
        byte[] queued = pending.toByteArray();
        int have = (int) Math.min(queued.length, left);
        out.write(queued, 0, have);
        pending.reset();
        pending.write(queued, have, queued.length - have);
        left -= have;
        byte[] buffer = new byte[(int) Math.min(1 << 16, Math.max(1, left))];
        while (left > 0) {
            int n = (int) Math.min(buffer.length, left);
            if (!link.readFully(buffer, 0, n, timeout)) {
                throw new FlashgateException(ErrorCode.DEVICE_STALLED, "the programmer sent less than the " + range.bytes()
                        + " bytes asked for");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
        if (!response().ack()) {
            throw new FlashgateException(ErrorCode.DEVICE_NAK, "the programmer ended the read of sectors " + range.start()
                    + " with a NAK");
        }
    }

    private static long parsePayload(String text) {
        try {
            long v = Long.parseLong(text.trim());
            return v > 0 && v <= (64 << 20) ? v : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Programs {@code range} with {@code size} bytes of {@code data} and zeros after them.
     * {@code accepted} runs once the programmer took the command, before the first byte goes out.
     */
    void program(Range asked, String label, InputStream data, long size, Runnable accepted, LongConsumer progress)
            throws FlashgateException, IOException {
        Range range = onDevice(asked, false);
        Response r = command("<program SECTOR_SIZE_IN_BYTES=\"" + range.sectorSize() + "\" num_partition_sectors=\""
                + range.sectors() + "\" physical_partition_number=\"0\" start_sector=\"" + range.start() + "\" filename=\""
                + escape(label) + "\" label=\"" + escape(label) + "\"/>");
        if (!r.ack() || !"true".equalsIgnoreCase(r.attribute("rawmode"))) {
            throw new FlashgateException(ErrorCode.DEVICE_NAK, "the programmer refused to program " + label + " at sector "
                    + range.start() + (r.logs().isEmpty() ? "" : ": " + r.logs().get(r.logs().size() - 1)));
        }
        accepted.run();
        long sent = 0;
        try (Prefetch payloads = new Prefetch(data, size, range.bytes(), payload, label)) {
            for (Prefetch.Chunk c; (c = payloads.next()) != null;) {
                link.write(c.bytes(), 0, c.length());
                payloads.recycle(c);
                sent += c.length();
                progress.accept(Math.min(sent, size));
            }
        }
        Response end = response();
        if (!end.ack()) {
            throw new FlashgateException(ErrorCode.DEVICE_NAK, "the programmer reported a failed write of " + label
                    + (end.logs().isEmpty() ? "" : ": " + end.logs().get(end.logs().size() - 1)));
        }
    }

    void erase(Range asked) throws FlashgateException {
        Range range = onDevice(asked, false);
        Response r = command("<erase SECTOR_SIZE_IN_BYTES=\"" + range.sectorSize() + "\" num_partition_sectors=\"" + range.sectors()
                + "\" physical_partition_number=\"0\" start_sector=\"" + range.start() + "\"/>");
        if (!r.ack()) {
            throw new FlashgateException(ErrorCode.DEVICE_NAK, "the programmer refused to erase sectors " + range.start() + "+"
                    + range.sectors());
        }
    }

    /** The device's SHA-256 of a range, read back from its flash (lowercase hex). */
    String digest(Range asked) throws FlashgateException {
        Range range = onDevice(asked, false);
        Response r = command("<getsha256digest SECTOR_SIZE_IN_BYTES=\"" + range.sectorSize() + "\" num_partition_sectors=\""
                + range.sectors() + "\" physical_partition_number=\"0\" start_sector=\"" + range.start() + "\"/>");
        String digest = null;
        for (String line : r.logs()) {
            String t = line.trim();
            if (t.regionMatches(true, 0, "Digest ", 0, 7)) {
                digest = t.substring(7).trim().toLowerCase(Locale.ROOT);
            }
        }
        if (!r.ack() || digest == null || !digest.matches("[0-9a-f]{64}")) {
            throw new FlashgateException(ErrorCode.DEVICE_NAK, "the programmer gave no SHA-256 digest of sectors " + range.start()
                    + "+" + range.sectors());
        }
        return digest;
    }

    /** Applies one vendor patch on the device, its attributes as the patch file gives them. */
    void patch(java.util.Map<String, String> attributes) throws FlashgateException {
        StringBuilder element = new StringBuilder("<patch");
        attributes.forEach((k, v) -> {
            if (k.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                element.append(' ').append(k).append("=\"").append(escape(v)).append('"');
            }
        });
        Response r = command(element.append("/>").toString());
        if (!r.ack()) {
            throw new FlashgateException(ErrorCode.DEVICE_NAK, "the programmer refused a patch at sector "
                    + attributes.getOrDefault("start_sector", "?"));
        }
    }

    /** Reboots the device; it drops off the bus after the ACK. */
    void reset() throws FlashgateException {
        Response r = command("<power value=\"reset\"/>");
        if (!r.ack()) {
            throw new FlashgateException(ErrorCode.DEVICE_NAK, "the programmer refused the power reset");
        }
    }

    Response command(String element) throws FlashgateException {
        link.write(("<?xml version=\"1.0\" ?><data>" + element + "</data>").getBytes(StandardCharsets.UTF_8));
        return response();
    }

    /** Documents until one carries a response; their logs go to the session log. */
    Response response() throws FlashgateException {
        java.util.List<String> logs = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Element data = FirehoseXml.parse(nextDocument(deadline), ErrorCode.DEVICE_NAK, "a Firehose document from the device");
            for (Node n = data.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (!(n instanceof Element e)) {
                    continue;
                }
                if (e.getTagName().equalsIgnoreCase("log")) {
                    log.accept("device: " + e.getAttribute("value"));
                    logs.add(withoutLevel(e.getAttribute("value")));
                } else if (e.getTagName().equalsIgnoreCase("response")) {
                    String value = e.getAttribute("value");
                    if (!value.equalsIgnoreCase("ACK") && !value.equalsIgnoreCase("NAK")) {
                        throw new FlashgateException(ErrorCode.DEVICE_NAK, "a Firehose response of '" + value + "'");
                    }
                    return new Response(value.equalsIgnoreCase("ACK"), e, java.util.List.copyOf(logs));
                }
            }
        }
    }

    /** A log value without the level real programmers put first ({@code INFO: }, {@code ERROR: }, ...). */
    static String withoutLevel(String value) {
        Matcher m = LEVEL.matcher(value);
        return m.lookingAt() ? value.substring(m.end()) : value;
    }

    /** The bytes of the next {@code ...</data>} document, at most {@link #MAX_DOCUMENT}. */
    private byte[] nextDocument(long deadline) throws FlashgateException {
        byte[] buffer = new byte[4096];
        while (true) {
            byte[] all = pending.toByteArray();
            int end = indexOf(all, END);
            if (end >= 0) {
                int cut = end + END.length;
                pending.reset();
                pending.write(all, cut, all.length - cut);
                int start = indexOf(all, "<?xml".getBytes(StandardCharsets.US_ASCII));
                int from = start >= 0 && start < cut ? start : 0;
                return java.util.Arrays.copyOfRange(all, from, cut);
            }
            if (all.length > MAX_DOCUMENT) {
                throw new FlashgateException(ErrorCode.DEVICE_NAK, "a Firehose document from the device exceeds " + MAX_DOCUMENT
                        + " bytes");
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new FlashgateException(ErrorCode.DEVICE_STALLED, link.name() + ": no Firehose response within "
                        + timeout.toMillis() + " ms");
            }
            int n = link.read(buffer, 0, buffer.length, Duration.ofNanos(left));
            pending.write(buffer, 0, n);
        }
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
