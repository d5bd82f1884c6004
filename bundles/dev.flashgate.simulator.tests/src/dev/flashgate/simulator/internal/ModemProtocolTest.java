package dev.flashgate.simulator.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;
import dev.flashgate.core.device.SerialLinks;
import dev.flashgate.device.AtChannel;
import dev.flashgate.simulator.DemoFirmware;
import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.simulator.Simulators;

/**
 * The simulated MDM9x07 modem, byte for byte against packets written down from the protocol
 * tables (shared/design/protocols.md), not made by the simulator's own encoders: DIAG frames as
 * literal bytes, Sahara packets field by field, Firehose documents as text.
 */
class ModemProtocolTest {

    private static final HexFormat HEX = HexFormat.of();
    /** DIAG version request: 00, its CRC-16/X.25 (0xF078, little-endian), 7E. */
    private static final byte[] DIAG_VERSION = HEX.parseHex("0078f07e");
    /** DIAG NV read (0x26) of item 550 (26 02), 128 data bytes, 2 status bytes, CRC 2b 3e, 7E. */
    private static final byte[] DIAG_NV_READ_IMEI = HEX.parseHex("262602" + "00".repeat(130) + "3e2b7e");
    /** The EDL switch exactly as the protocol notes give it. */
    private static final byte[] DIAG_EDL_SWITCH = HEX.parseHex("4b650100540f7e");

    private static Simulators simulators;
    private static SerialLinks links;
    private SimulatedDevice modem;

    @BeforeAll
    static void services() throws Exception {
        assumeTrue(new ProcessBuilder("sh", "-c", "command -v socat").start().waitFor() == 0, "socat makes the ptys");
        BundleContext context = FrameworkUtil.getBundle(SimulatorFarm.class).getBundleContext();
        simulators = service(context, Simulators.class);
        links = service(context, SerialLinks.class);
    }

    @AfterEach
    void unplug() {
        if (modem != null) {
            modem.close();
        }
    }

    @Test
    void modemModeHasAnAtAndADiagPortThatKnowTheImei() throws Exception {
        modem = ((SimulatorFarm) simulators).startFactoryNew("MF833S", "MDM001");
        assertEquals(2, modem.hostPorts().size());
        assertTrue(modem.hostPorts().get(0).endsWith("usb-ZTE_MF833S_MDM001-if00-port0"));
        assertTrue(modem.hostPorts().get(1).endsWith("usb-ZTE_MF833S_MDM001-if02-port0"));
        try (SerialLink at = links.open(modem.hostPorts().get(1))) {
            assertEquals("MF833S", new AtChannel(at).command("ATI", Duration.ofSeconds(2)).value("Model:"));
        }
        try (SerialLink diag = links.open(modem.hostPorts().get(0))) {
            diag.write(DIAG_VERSION);
            byte[] version = frame(diag);
            assertEquals(0x00, version[0], "a version response");
            diag.write(DIAG_NV_READ_IMEI);
            byte[] nv = frame(diag);
            assertEquals(0x26, nv[0] & 0xFF);
            assertEquals(550, (nv[1] & 0xFF) | (nv[2] & 0xFF) << 8);
            assertEquals(8, nv[3]);
            assertEquals(0xA, nv[4] & 0x0F, "IMEI type nibble");
            StringBuilder digits = new StringBuilder().append((nv[4] & 0xF0) >> 4);
            for (int i = 5; i < 12; i++) {
                digits.append(nv[i] & 0x0F).append((nv[i] & 0xF0) >> 4);
            }
            assertEquals(modem.imei(), digits.toString());
            assertEquals(0, nv[131] | nv[132], "NV status done");
        }
    }

    @Test
    void edlSwitchSaharaAndFirehoseUpdateTheFirmware() throws Exception {
        modem = ((SimulatorFarm) simulators).startFactoryNew("MF833S", "MDM002");
        String imei = modem.imei();
        try (SerialLink diag = links.open(modem.hostPorts().get(0))) {
            diag.write(DIAG_EDL_SWITCH);
            assertArrayEquals(DIAG_EDL_SWITCH, rawFrame(diag), "the switch request is echoed");
        }
        Path byPath = Path.of(modem.hostPorts().get(0)).getParent().resolveSibling("by-path");
        String socket = ((Modem) modem).usbPort();
        assertEquals(Path.of(modem.hostPorts().get(0)).toRealPath(), byPath.resolve(socket + ":1.0-port0").toRealPath(),
                "the DIAG port's socket, in by-path");
        String chipSerial = String.format("%08X", ((Modem) modem).chip().serial());
        await("EDL port", () -> modem.hostPorts().size() == 1
                && modem.hostPorts().get(0).endsWith("usb-Qualcomm_QHSUSB__BULK_" + chipSerial + "-if00-port0"));
        assertTrue(!modem.hostPorts().get(0).contains("MDM002"), "in EDL it has the chip's USB serial, not the modem's");
        assertEquals(Path.of(modem.hostPorts().get(0)).toRealPath(), byPath.resolve(socket + ":1.0-port0").toRealPath(),
                "the EDL port is in the same socket");
        byte[] image = image("FG_MF833S_B07", 3, 300_000);
        try (SerialLink edl = links.open(modem.hostPorts().get(0))) {
            sahara(edl, DemoFirmware.programmerBytes(), 0);
            edl.write(u32(5, 8));                                   // DONE
            assertArrayEquals(u32(6, 0x0C, 1), read(edl, 12));      // DONE_RESP, transfer complete

            firehose(edl, "<configure MemoryName=\"nand\" MaxPayloadSizeToTargetInBytes=\"4194304\" ZLPAwareHost=\"1\" "
                    + "SkipStorageInit=\"0\" Verbose=\"0\"/>");
            Reply nak = reply(edl);
            assertEquals("NAK", nak.value());
            assertTrue(nak.response().contains("MaxPayloadSizeToTargetInBytesSupported=\"1048576\""), nak.response());
            firehose(edl, "<configure MemoryName=\"nand\" MaxPayloadSizeToTargetInBytes=\"1048576\" ZLPAwareHost=\"1\" "
                    + "SkipStorageInit=\"0\" Verbose=\"0\"/>");
            assertEquals("ACK", reply(edl).value());

            int sectors = (image.length + 2047) / 2048;
            byte[] padded = java.util.Arrays.copyOf(image, sectors * 2048);
            String where = "SECTOR_SIZE_IN_BYTES=\"2048\" num_partition_sectors=\"" + sectors
                    + "\" physical_partition_number=\"0\" start_sector=\"8448\"";
            firehose(edl, "<program " + where + " filename=\"modem.ubi\" label=\"modem\"/>");
            Reply raw = reply(edl);
            assertEquals("ACK", raw.value());
            assertTrue(raw.response().contains("rawmode=\"true\""), raw.response());
            for (int off = 0; off < padded.length; off += 1 << 20) {
                edl.write(padded, off, Math.min(1 << 20, padded.length - off));
            }
            Reply done = reply(edl);
            assertEquals("ACK", done.value());
            assertTrue(done.response().contains("rawmode=\"false\""), done.response());

            firehose(edl, "<getsha256digest " + where + "/>");
            Reply digest = reply(edl);
            assertEquals("ACK", digest.value());
            assertTrue(digest.logs().contains("Digest " + HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(padded))
                    .toUpperCase()), digest.logs());

            firehose(edl, "<program SECTOR_SIZE_IN_BYTES=\"2048\" num_partition_sectors=\"128\" physical_partition_number=\"0\" "
                    + "start_sector=\"8384\" filename=\"x\" label=\"boot\"/>");
            assertEquals("NAK", reply(edl).value(), "a program crossing from boot into modem is refused");

            firehose(edl, "<power value=\"reset\"/>");
            assertEquals("ACK", reply(edl).value());
        }
        await("back in modem mode", () -> modem.hostPorts().size() == 2);
        Thread.sleep(200);
        try (SerialLink at = links.open(modem.hostPorts().get(1))) {
            AtChannel channel = new AtChannel(at);
            assertEquals("FG_MF833S_B07", channel.command("ATI", Duration.ofSeconds(2)).value("Revision:"));
            assertEquals(imei, channel.command("AT+CGSN", Duration.ofSeconds(2)).lines().get(0));
        }
    }

    @Test
    void powerLostMidProgramLeavesTheModemRecoverableInEdl() throws Exception {
        modem = ((SimulatorFarm) simulators).startFactoryNew("MF833S", "MDM004");
        try (SerialLink diag = links.open(modem.hostPorts().get(0))) {
            diag.write(DIAG_EDL_SWITCH);
            rawFrame(diag);
        }
        await("EDL port", () -> modem.hostPorts().size() == 1);
        try (SerialLink edl = links.open(modem.hostPorts().get(0))) {
            sahara(edl, DemoFirmware.programmerBytes(), 0);
            edl.write(u32(5, 8));
            read(edl, 12);
            firehose(edl, "<program SECTOR_SIZE_IN_BYTES=\"2048\" num_partition_sectors=\"64\" physical_partition_number=\"0\" "
                    + "start_sector=\"8448\" filename=\"modem.ubi\" label=\"modem\"/>");
            assertEquals("ACK", reply(edl).value());
            edl.write(new byte[40_000]);                            // a third of the data, then the power goes
        }
        Thread.sleep(200);
        assertEquals("needs EDL recovery: modem partition torn", modem.condition());
        modem.reenumerate();
        assertEquals(1, modem.hostPorts().size(), "a torn modem partition boots into EDL");
        assertTrue(modem.hostPorts().get(0).contains("Qualcomm_QHSUSB__BULK"));
    }

    @Test
    void aProgrammerThatIsNotOemSignedIsRefused() throws Exception {
        modem = ((SimulatorFarm) simulators).startFactoryNew("MF833S", "MDM003");
        try (SerialLink diag = links.open(modem.hostPorts().get(0))) {
            diag.write(DIAG_EDL_SWITCH);
            rawFrame(diag);
        }
        await("EDL port", () -> modem.hostPorts().size() == 1);
        byte[] forged = DemoFirmware.programmerBytes();
        forged[forged.length - 1] ^= 1;
        try (SerialLink edl = links.open(modem.hostPorts().get(0))) {
            sahara(edl, forged, SaharaTarget.NAK_HASH_TABLE_AUTH_FAILURE);
            edl.write(u32(7, 8));                                   // RESET
            assertArrayEquals(u32(8, 8), read(edl, 8));             // RESET_RESP
        }
        Thread.sleep(300); // the device resets and enumerates again
        await("EDL port again", () -> modem.hostPorts().size() == 1);
        try (SerialLink edl = links.open(modem.hostPorts().get(0))) {
            assertEquals(1, ByteBuffer.wrap(read(edl, 48)).order(ByteOrder.LITTLE_ENDIAN).getInt(), "the boot ROM says HELLO again");
            edl.write(u32(0x13, 8));                                // RESET_STATE_MACHINE: greets again on the same port
            assertEquals(1, ByteBuffer.wrap(read(edl, 48)).order(ByteOrder.LITTLE_ENDIAN).getInt(), "and HELLO once more");
        }
    }

    /** In EDL on a fresh modem: the programmer running, its start-up logs read. */
    private SerialLink programmerRunning(String serial, StringBuilder startup) throws Exception {
        modem = ((SimulatorFarm) simulators).startFactoryNew("MF833S", serial);
        try (SerialLink diag = links.open(modem.hostPorts().get(0))) {
            diag.write(DIAG_EDL_SWITCH);
            rawFrame(diag);
        }
        await("EDL port", () -> modem.hostPorts().size() == 1);
        SerialLink edl = links.open(modem.hostPorts().get(0));
        sahara(edl, DemoFirmware.programmerBytes(), 0);
        edl.write(u32(5, 8));
        assertArrayEquals(u32(6, 0x0C, 1), read(edl, 12));
        startup.append(drain(edl, "End of supported functions"));
        return edl;
    }

    @Test
    void theBootRomGreetsOnceAndAnswersTheClientCommandsOfCommandMode() throws Exception {
        modem = ((SimulatorFarm) simulators).startFactoryNew("MF833S", "MDM005");
        try (SerialLink diag = links.open(modem.hostPorts().get(0))) {
            diag.write(DIAG_EDL_SWITCH);
            rawFrame(diag);
        }
        await("EDL port", () -> modem.hostPorts().size() == 1);
        Thread.sleep(2500); // a host that opens the port late finds one HELLO, not a queue of them
        try (SerialLink edl = links.open(modem.hostPorts().get(0))) {
            assertArrayEquals(u32(1, 0x30, 2, 1, 0x400, 0, 0, 0, 0, 0, 0, 0), read(edl, 0x30), "HELLO");
            assertEquals(0, edl.read(new byte[64], 0, 64, Duration.ofMillis(1500)), "one HELLO only");

            edl.write(u32(2, 0x30, 2, 1, 0, 3, 0, 0, 0, 0, 0, 0));   // HELLO_RESP: command mode
            assertArrayEquals(u32(0x0B, 8), read(edl, 8), "CMD_READY");
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update("MDM005".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals(u32((int) crc.getValue()), exec(edl, 0x01, 4), "chip serial");
            assertArrayEquals(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0x0004A0E100040000L).array(),
                    exec(edl, 0x02, 8), "MSM HW ID: MDM9607, OEM ZTE");
            assertArrayEquals(Modem.OEM_PK_HASH, exec(edl, 0x03, 32), "OEM PK hash");
            edl.write(u32(0x0D, 0x0C, 0x0A));                       // chip id v3: not a Sahara v2 command
            assertArrayEquals(u32(4, 0x10, 0, SaharaTarget.NAK_EXEC_CMD_UNSUPPORTED), read(edl, 16));
            edl.write(u32(0x0F, 0x0C, 0x02));                       // data of a command not executed
            assertArrayEquals(u32(4, 0x10, 0, SaharaTarget.NAK_EXEC_DATA_INVALID_CLIENT_CMD), read(edl, 16));

            edl.write(u32(0x0C, 0x0C, 0));                          // CMD_SWITCH_MODE to image transfer
            assertArrayEquals(u32(1, 0x30, 2, 1, 0x400, 0, 0, 0, 0, 0, 0, 0), read(edl, 0x30), "a fresh HELLO");
            saharaAfterHello(edl, DemoFirmware.programmerBytes(), 0);
            edl.write(u32(5, 8));
            assertArrayEquals(u32(6, 0x0C, 1), read(edl, 12), "the programmer runs");
        }
    }

    @Test
    void theProgrammerTalksAsRealNandProgrammersDo() throws Exception {
        StringBuilder startup = new StringBuilder();
        try (SerialLink edl = programmerRunning("MDM006", startup)) {
            assertTrue(startup.indexOf("<log value=\"INFO: Binary build date: ") >= 0, startup::toString);
            assertTrue(startup.indexOf("INFO: Chip serial num: ") >= 0, startup::toString);
            assertTrue(startup.indexOf("INFO: Supported Functions (") >= 0 && startup.indexOf("<log value=\"INFO: program\"") >= 0,
                    startup::toString);
            assertTrue(startup.toString().endsWith("</data>"), "nothing after </data>: " + startup);
            assertFalse(startup.toString().contains("</data>\n"), "nothing after </data>");

            firehose(edl, "<nop/>");
            Reply nop = reply(edl);
            assertEquals("ACK", nop.value());
            assertTrue(nop.response().contains("rawmode=\"false\""), nop.response());
            assertTrue(nop.logs().contains("INFO: End of supported functions"), nop.logs());

            firehose(edl, "<configure MemoryName=\"nand\" MaxPayloadSizeToTargetInBytes=\"1048576\" ZLPAwareHost=\"1\" "
                    + "SkipStorageInit=\"0\" Verbose=\"0\"/>");
            Reply configured = reply(edl);
            for (String attribute : new String[] {"MemoryName=\"NAND\"", "MaxPayloadSizeToTargetInBytes=\"1048576\"",
                "MaxPayloadSizeFromTargetInBytes=\"131072\"", "MaxXMLSizeInBytes=\"4096\"", "Version=\"1\"",
                "MinVersionSupported=\"1\"", "rawmode=\"false\""}) {
                assertTrue(configured.response().contains(attribute), attribute + " in " + configured.response());
            }

            firehose(edl, "<getstorageinfo physical_partition_number=\"0\"/>");
            Reply storage = reply(edl);
            assertEquals("ACK", storage.value());
            String json = storage.logs().replace("&quot;", "\"");
            for (String fact : new String[] {"\"total_blocks\":2048", "\"block_size\":131072", "\"page_size\":2048",
                "\"mem_type\":\"NAND\""}) {
                assertTrue(json.contains(fact), fact + " in " + json);
            }

            firehose(edl, "<read SECTOR_SIZE_IN_BYTES=\"4096\" num_partition_sectors=\"1\" physical_partition_number=\"0\" "
                    + "start_sector=\"0\"/>");
            Reply wrongSize = reply(edl);
            assertEquals("NAK", wrongSize.value());
            assertTrue(wrongSize.logs().contains("ERROR: SECTOR_SIZE_IN_BYTES 4096"), wrongSize.logs());
        }
    }

    @Test
    void aFactoryFreshModemHoldsItsPartitionTableInTheMibib() throws Exception {
        try (SerialLink edl = programmerRunning("MDM007", new StringBuilder())) {
            ByteBuffer sbl = ByteBuffer.wrap(readSectors(edl, 0, 1)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(Nand.SBL_CODEWORD, sbl.getInt(0), "the boot loader's codeword: a NAND device");
            ByteBuffer header = ByteBuffer.wrap(readSectors(edl, 0x280, 1)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0xFE569FAC, header.getInt(0));
            assertEquals(0xCD7F127A, header.getInt(4));
            ByteBuffer table = ByteBuffer.wrap(readSectors(edl, 0x281, 2)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0x55EE73AA, table.getInt(0));
            assertEquals(0xE35EBDDB, table.getInt(4));
            int count = table.getInt(12);
            java.util.Map<String, long[]> found = new java.util.LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                byte[] name = new byte[16];
                table.position(16 + 28 * i).get(name);
                found.put(new String(name, StandardCharsets.US_ASCII).replace("\0", ""), new long[] {table.getInt(), table.getInt()});
            }
            assertEquals(java.util.List.of("0:SBL", "0:MIBIB", "0:TZ", "0:RPM", "0:ABOOT", "0:BOOT", "0:MODEM", "0:EFS2", "0:FSG",
                    "0:SYSTEM"), java.util.List.copyOf(found.keySet()));
            assertArrayEquals(new long[] {10, 6}, found.get("0:MIBIB"), "the MIBIB where hosts look for it, sector 0x280");
            assertArrayEquals(new long[] {132, 480}, found.get("0:MODEM"), "modem at block 132, as layouts program it");
            long blocks = found.values().stream().mapToLong(v -> v[1]).sum();
            assertEquals(2048, blocks, "the partitions cover the whole NAND");
        }
    }

    /**
     * The modem's IMEI and RF calibration live in its EFS in efs2, with the factory's golden copy
     * in fsg; each device's is its own. Erased efs2, it boots without an IMEI and finds no network.
     */
    @Test
    void theImeiAndCalibrationLiveInEfs2AndAreLostWithIt() throws Exception {
        byte[] efs2;
        byte[] fsg;
        try (SerialLink edl = programmerRunning("MDM008", new StringBuilder())) {
            efs2 = readSectors(edl, 612 * 64, 8);
            fsg = readSectors(edl, 708 * 64, 8);
            assertArrayEquals(efs2, fsg, "fsg holds the golden copy of efs2");
            Efs efs = Efs.decode(efs2);
            assertEquals(modem.imei(), efs.imei());
            firehose(edl, "<erase SECTOR_SIZE_IN_BYTES=\"2048\" num_partition_sectors=\"" + 96 * 64
                    + "\" physical_partition_number=\"0\" start_sector=\"" + 612 * 64 + "\"/>");
            assertEquals("ACK", reply(edl).value());
            firehose(edl, "<power value=\"reset\"/>");
            assertEquals("ACK", reply(edl).value());
        }
        await("modem ports", () -> modem.hostPorts().size() == 2);
        assertTrue(modem.condition().contains("without IMEI or RF calibration"), modem.condition());
        try (SerialLink at = links.open(modem.hostPorts().get(1))) {
            AtChannel channel = new AtChannel(at);
            assertEquals("", channel.command("ATI", Duration.ofSeconds(2)).value("IMEI:"));
            assertTrue(!channel.command("AT+CGSN", Duration.ofSeconds(2)).ok(), "no IMEI to show");
            assertEquals("+COPS: 0", channel.command("AT+COPS?", Duration.ofSeconds(2)).lines().get(0), "no network");
        }
        try (SerialLink diag = links.open(modem.hostPorts().get(0))) {
            diag.write(DIAG_NV_READ_IMEI);
            byte[] nv = frame(diag);
            assertEquals(5, nv[131] | nv[132] << 8, "NV item 550 is not active");
        }

        assertArrayEquals(Efs.factory(modem.imei(), "MDM008").calibration(), Efs.decode(efs2).calibration());
        assertTrue(!java.util.Arrays.equals(Efs.decode(efs2).calibration(), Efs.factory(modem.imei(), "MDM009").calibration()),
                "each device's calibration is its own");
    }

    /** The raw bytes of a read of {@code count} sectors from {@code start}. */
    private static byte[] readSectors(SerialLink edl, int start, int count) throws Exception {
        firehose(edl, "<read SECTOR_SIZE_IN_BYTES=\"2048\" num_partition_sectors=\"" + count
                + "\" physical_partition_number=\"0\" start_sector=\"" + start + "\"/>");
        Reply go = reply(edl);
        assertTrue(go.response().contains("rawmode=\"true\""), go.response());
        byte[] data = read(edl, 2048 * count);
        assertEquals("ACK", reply(edl).value());
        return data;
    }

    /** One client command of Sahara command mode: CMD_EXEC, its CMD_EXEC_RESP, CMD_EXEC_DATA and the raw answer. */
    private static byte[] exec(SerialLink edl, int command, int length) throws Exception {
        edl.write(u32(0x0D, 0x0C, command));
        assertArrayEquals(u32(0x0E, 0x10, command, length), read(edl, 16), "CMD_EXEC_RESP");
        edl.write(u32(0x0F, 0x0C, command));
        return read(edl, length);
    }

    /** What the device sends until {@code marker} has arrived in a whole document and the line is quiet. */
    private static String drain(SerialLink link, String marker) throws Exception {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[4096];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            int n = link.read(buffer, 0, buffer.length, Duration.ofMillis(300));
            text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            int at = text.indexOf(marker);
            if (n == 0 && at >= 0 && text.indexOf("</data>", at) >= 0) {
                return text.toString();
            }
            assertTrue(System.nanoTime() < deadline, "no '" + marker + "' in: " + text);
        }
    }

    /** HELLO, HELLO_RESP, READ_DATA served from {@code programmer}, END_OF_IMAGE_TX with {@code expectedStatus}. */
    private static void sahara(SerialLink edl, byte[] programmer, int expectedStatus) throws Exception {
        assertArrayEquals(u32(1, 0x30, 2, 1, 0x400, 0, 0, 0, 0, 0, 0, 0), read(edl, 0x30), "HELLO");
        saharaAfterHello(edl, programmer, expectedStatus);
    }

    private static void saharaAfterHello(SerialLink edl, byte[] programmer, int expectedStatus) throws Exception {
        edl.write(u32(2, 0x30, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0));   // HELLO_RESP: status 0, mode 0
        while (true) {
            byte[] head = read(edl, 8);
            ByteBuffer h = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
            int command = h.getInt();
            int length = h.getInt();
            ByteBuffer body = ByteBuffer.wrap(read(edl, length - 8)).order(ByteOrder.LITTLE_ENDIAN);
            if (command == 3) {
                assertEquals(0x14, length, "READ_DATA length");
                assertEquals(13, body.getInt(), "image id of the programmer");
                int offset = body.getInt();
                int size = body.getInt();
                assertTrue(offset >= 0 && offset + size <= programmer.length, "a request inside the image");
                edl.write(programmer, offset, size);
            } else {
                assertEquals(4, command, "END_OF_IMAGE_TX");
                assertEquals(0x10, length);
                assertEquals(13, body.getInt());
                assertEquals(expectedStatus, body.getInt());
                return;
            }
        }
    }

    private record Reply(String value, String response, String logs) {
    }

    private static void firehose(SerialLink link, String element) throws FlashgateException {
        link.write(("<?xml version=\"1.0\" ?><data>" + element + "</data>").getBytes(StandardCharsets.UTF_8));
    }

    private static final Pattern RESPONSE = Pattern.compile("<response value=\"(ACK|NAK)\"[^>]*>");

    /**
     * Reads documents until one holds a response; logs before it are collected. Byte by byte, so
     * that raw data following a response is left on the line.
     */
    private static Reply reply(SerialLink link) throws Exception {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[1];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Matcher m = RESPONSE.matcher(text);
            int close = m.find() ? text.indexOf("</data>", m.end()) : -1;
            if (close >= 0) {
                return new Reply(m.group(1), m.group(), text.substring(0, m.start()));
            }
            assertTrue(System.nanoTime() < deadline, "no Firehose response in: " + text);
            int n = link.read(buffer, 0, buffer.length, Duration.ofMillis(200));
            text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
    }

    private static byte[] u32(int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    private static byte[] read(SerialLink link, int length) throws Exception {
        byte[] out = new byte[length];
        int have = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (have < length) {
            assertTrue(System.nanoTime() < deadline, "only " + have + " of " + length + " bytes arrived");
            have += link.read(out, have, length - have, Duration.ofMillis(200));
        }
        return out;
    }

    /** One DIAG frame as sent, up to and including the 7E flag. */
    private static byte[] rawFrame(SerialLink link) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            byte b = read(link, 1)[0];
            out.write(b);
            if ((b & 0xFF) == 0x7E) {
                return out.toByteArray();
            }
        }
    }

    /** One DIAG frame's payload, unescaped, without CRC and flag. */
    private static byte[] frame(SerialLink link) throws Exception {
        byte[] raw = rawFrame(link);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length - 1; i++) {
            out.write(raw[i] == 0x7D ? raw[++i] ^ 0x20 : raw[i]);
        }
        byte[] unescaped = out.toByteArray();
        return java.util.Arrays.copyOf(unescaped, unescaped.length - 2);
    }

    private static byte[] image(String version, int securityVersion, int size) {
        byte[] header = ("FGSIMFW MF833S " + version + " " + securityVersion + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] image = new byte[size];
        new Random(size).nextBytes(image);
        System.arraycopy(header, 0, image, 0, header.length);
        return image;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    private static <T> T service(BundleContext context, Class<T> type) throws InterruptedException {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        return tracker.waitForService(10_000);
    }
}
