package dev.flashgate.simulator.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;

/**
 * The simulated Firehose programmer as real NAND programmers talk: on start it logs its build,
 * the chip serial and its supported functions; each command is answered with zero or more
 * {@code <log/>} documents (values prefixed {@code INFO:} or {@code ERROR:}) and one
 * {@code <response/>}, every document {@code <?xml ...?>\n<data>\n...\n</data>} with nothing after
 * it. Supports configure (with payload-size negotiation), program (raw mode), erase, read,
 * getsha256digest, getstorageinfo (the NAND geometry as JSON), nop, patch and power reset, on the
 * simulated NAND.
 */
final class FirehoseTarget {

    static final int MAX_PAYLOAD = 1 << 20;
    /** Largest document the programmer takes from the host, and largest payload it sends back at once. */
    static final int MAX_XML = 4096;
    static final int MAX_PAYLOAD_FROM_TARGET = Nand.SECTOR * Nand.PAGES_PER_BLOCK;
    static final String BUILD = "INFO: Binary build date: Mar 14 2019 @ 09:41:07";
    static final List<String> FUNCTIONS = List.of("program", "read", "nop", "patch", "configure", "setbootablestoragedrive",
            "erase", "power", "firmwarewrite", "getstorageinfo", "benchmark", "getsha256digest", "getcrc16digest");
    private static final int MAX_DOCUMENT = 64 * 1024;

    /** Partitions whose programming started but has not finished: torn if power goes now. */
    interface TornLog {
        void torn(Set<String> partitions) throws IOException;
    }

    private final SerialLink link;
    private final int chipSerial;
    private final Nand nand;
    private final TornLog tornLog;
    private final Set<String> torn;
    private final BooleanSupplier refuse;
    private final BooleanSupplier corrupt;
    private final DocumentBuilder xml;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private int payloadSize = MAX_PAYLOAD;

    /** {@code refuse}: NAK the command now read; {@code corrupt}: store the range now programmed with a flipped bit. */
    private final long flashBytesPerSecond;
    private long flashReadyAt;

    FirehoseTarget(SerialLink link, int chipSerial, Nand nand, Set<String> alreadyTorn, TornLog tornLog, BooleanSupplier refuse,
            BooleanSupplier corrupt, long flashMibps) {
        this.chipSerial = chipSerial;
        this.flashBytesPerSecond = flashMibps << 20;
        this.refuse = refuse;
        this.corrupt = corrupt;
        this.link = link;
        this.nand = nand;
        this.tornLog = tornLog;
        this.torn = new LinkedHashSet<>(alreadyTorn);
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setExpandEntityReferences(false);
            this.xml = f.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Serves commands until power reset; returns normally only then. */
    void run() throws FlashgateException, IOException {
        log(BUILD);
        log("INFO: Chip serial num: " + Integer.toUnsignedString(chipSerial) + " (0x" + Integer.toHexString(chipSerial) + ")");
        functions();
        while (true) {
            Element command = nextCommand();
            if (command == null) {
                continue;
            }
            String name = command.getTagName().toLowerCase(Locale.ROOT);
            if (refuse.getAsBoolean()) {
                log("ERROR: refusing " + name + " (fault injected)");
                respond(false, "");
                continue;
            }
            switch (name) {
                case "configure" -> configure(command);
                case "program" -> program(command);
                case "erase" -> erase(command);
                case "read" -> read(command);
                case "getsha256digest" -> digest(command);
                case "getstorageinfo" -> {
                    log("INFO: {\"storage_info\": {\"total_blocks\":" + Nand.BLOCKS + ", \"block_size\":"
                            + Nand.SECTOR * Nand.PAGES_PER_BLOCK + ", \"page_size\":" + Nand.SECTOR
                            + ", \"num_physical\":1, \"manufacturer_id\":44, \"serial_num\":" + Integer.toUnsignedString(chipSerial)
                            + ", \"fw_version\":\"\", \"mem_type\":\"NAND\", \"prod_name\":\"MT29F2G08ABBEA\"}}");
                    respond(true, "");
                }
                case "nop" -> {
                    log(BUILD);
                    functions();
                    respond(true, "");
                }
                case "patch" -> respond(true, "");
                case "power" -> {
                    respond(true, "");
                    if ("reset".equalsIgnoreCase(command.getAttribute("value"))) {
                        return;
                    }
                }
                default -> {
                    log("ERROR: Unrecognized tag '" + name + "'");
                    respond(false, "");
                }
            }
        }
    }

    private void configure(Element c) throws FlashgateException {
        long requested = number(c, "MaxPayloadSizeToTargetInBytes", MAX_PAYLOAD);
        if (requested > MAX_PAYLOAD || requested <= 0) {
            log("ERROR: MaxPayloadSizeToTargetInBytes " + requested + " is not supported, at most " + MAX_PAYLOAD);
            respond(false, " MaxPayloadSizeToTargetInBytes=\"" + payloadSize + "\" MaxPayloadSizeToTargetInBytesSupported=\""
                    + MAX_PAYLOAD + "\"");
            return;
        }
        payloadSize = (int) requested;
        respond(true, " MinVersionSupported=\"1\" MemoryName=\"NAND\" MaxPayloadSizeFromTargetInBytes=\"" + MAX_PAYLOAD_FROM_TARGET
                + "\" MaxPayloadSizeToTargetInBytes=\"" + payloadSize + "\" MaxPayloadSizeToTargetInBytesSupported=\"" + MAX_PAYLOAD
                + "\" MaxXMLSizeInBytes=\"" + MAX_XML + "\" Version=\"1\" TargetName=\"MDM9x07\"");
    }

    private void program(Element c) throws FlashgateException, IOException {
        Range r = range(c);
        if (r == null) {
            return;
        }
        respond(true, " rawmode=\"true\"");
        torn.add(r.partition().name());
        tornLog.torn(torn);
        byte[] buffer = new byte[Math.min(payloadSize, MAX_PAYLOAD)];
        long total = r.count() * Nand.SECTOR;
        long sector = r.start();
        int filled = 0;
        long received = 0;
        boolean worn = corrupt.getAsBoolean();
        while (received < total) {
            int want = (int) Math.min(buffer.length - filled, total - received);
            if (!link.readFully(buffer, filled, want, Duration.ofSeconds(10))) {
                log("ERROR: raw data stopped within bytes " + received + " to " + (received + want) + " of " + total);
                respond(false, " rawmode=\"false\"");
                return; // the partition stays torn
            }
            filled += want;
            received += want;
            if (filled == buffer.length || received == total) {
                if (worn) {
                    buffer[0] ^= 1; // a worn page: the write "succeeds", the flash holds something else
                    worn = false;
                }
                nand.write(sector, buffer, filled);
                pace(filled);
                sector += filled / Nand.SECTOR;
                filled = 0;
            }
        }
        torn.remove(r.partition().name());
        tornLog.torn(torn);
        respond(true, " rawmode=\"false\"");
    }

    /**
     * Holds programming to the flash's pace when the device has one ({@code flash-mibps}): each
     * write is done its size over the rate after the previous one was.
     */
    private void pace(int bytes) {
        if (flashBytesPerSecond <= 0) {
            return;
        }
        long now = System.nanoTime();
        flashReadyAt = Math.max(now, flashReadyAt) + bytes * 1_000_000_000L / flashBytesPerSecond;
        if (flashReadyAt > now) {
            LockSupport.parkNanos(flashReadyAt - now);
        }
    }

    private void erase(Element c) throws FlashgateException, IOException {
        Range r = range(c);
        if (r != null) {
            nand.erase(r.start(), r.count());
            respond(true, "");
        }
    }

    private void read(Element c) throws FlashgateException, IOException {
        Range r = range(c);
        if (r == null) {
            return;
        }
        respond(true, " rawmode=\"true\"");
        for (long s = r.start(); s < r.start() + r.count(); s += Nand.PAGES_PER_BLOCK) {
            int sectors = (int) Math.min(Nand.PAGES_PER_BLOCK, r.start() + r.count() - s);
            link.write(nand.read(s, sectors * Nand.SECTOR));
        }
        respond(true, " rawmode=\"false\"");
    }

    private void digest(Element c) throws FlashgateException, IOException {
        Range r = range(c);
        if (r != null) {
            log("INFO: Digest " + nand.sha256(r.start(), r.count()).toUpperCase(Locale.ROOT));
            respond(true, "");
        }
    }

    private record Range(long start, long count, Nand.Partition partition) {
    }

    /** The sectors a command names; NAKs (and returns null) unless they lie inside one partition. */
    private Range range(Element c) throws FlashgateException {
        long sectorSize = number(c, "SECTOR_SIZE_IN_BYTES", -1);
        long start = number(c, "start_sector", -1);
        long count = number(c, "num_partition_sectors", -1);
        long physical = number(c, "physical_partition_number", 0);
        if (sectorSize != Nand.SECTOR) {
            log("ERROR: SECTOR_SIZE_IN_BYTES " + sectorSize + " does not match the page size of the NAND, " + Nand.SECTOR);
            respond(false, "");
            return null;
        }
        if (start < 0 || count <= 0 || physical != 0 || start + count > Nand.SIZE / Nand.SECTOR) {
            log("ERROR: invalid sector range: start_sector=" + start + " num_partition_sectors=" + count
                    + " physical_partition_number=" + physical);
            respond(false, "");
            return null;
        }
        Nand.Partition p = Nand.partition(start, count);
        if (p == null) {
            log("ERROR: sectors " + start + "+" + count + " cross a partition boundary");
            respond(false, "");
            return null;
        }
        return new Range(start, count, p);
    }

    private static long number(Element c, String attribute, long fallback) {
        String v = c.getAttribute(attribute);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Reads until a whole {@code <data>...</data>} document arrived; null for one that does not parse. */
    private Element nextCommand() throws FlashgateException {
        byte[] buffer = new byte[4096];
        while (true) {
            String text = pending.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("</data>");
            if (end >= 0) {
                byte[] all = pending.toByteArray();
                int cut = text.substring(0, end + "</data>".length()).getBytes(StandardCharsets.UTF_8).length;
                pending.reset();
                pending.write(all, cut, all.length - cut);
                return parse(new String(all, 0, cut, StandardCharsets.UTF_8));
            }
            if (pending.size() > MAX_DOCUMENT) {
                pending.reset();
                log("ERROR: XML document longer than " + MAX_DOCUMENT + " bytes");
                respond(false, "");
                return null;
            }
            int n = link.read(buffer, 0, buffer.length, Duration.ofSeconds(60));
            pending.write(buffer, 0, n);
        }
    }

    private Element parse(String document) throws FlashgateException {
        int start = document.indexOf("<?xml");
        try {
            Element data = xml.parse(new ByteArrayInputStream(document.substring(Math.max(0, start))
                    .getBytes(StandardCharsets.UTF_8))).getDocumentElement();
            for (Node n = data.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e) {
                    return e;
                }
            }
            log("ERROR: XML document without a command");
        } catch (SAXException | IOException | IllegalArgumentException e) {
            log("ERROR: XML not formed correctly");
        }
        respond(false, "");
        return null;
    }

    private void log(String message) throws FlashgateException {
        send("<log value=\"" + message.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;") + "\" />");
    }

    /** The supported functions, one log each, as real programmers list them. */
    private void functions() throws FlashgateException {
        log("INFO: Supported Functions (" + FUNCTIONS.size() + "):");
        for (String f : FUNCTIONS) {
            log("INFO: " + f);
        }
        log("INFO: End of supported functions " + FUNCTIONS.size());
    }

    /** A response; one that does not say otherwise tells the host the programmer is not in raw mode. */
    private void respond(boolean ack, String attributes) throws FlashgateException {
        send("<response value=\"" + (ack ? "ACK" : "NAK") + "\"" + attributes
                + (attributes.contains("rawmode=") ? "" : " rawmode=\"false\"") + " />");
    }

    private void send(String element) throws FlashgateException {
        link.write(("<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<data>\n" + element + "\n</data>")
                .getBytes(StandardCharsets.UTF_8));
    }
}
