package dev.flashgate.plugin.firehose.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;
import dev.flashgate.device.MemoryLink;

/** What a broken or hostile device sends must end in a typed error, quickly, never a hang or a crash. */
class HostileDeviceTest {

    private static final byte[] PROGRAMMER = new byte[4096];

    private static byte[] hello() {
        return SaharaHost.packet(SaharaHost.HELLO, 2, 1, 0x400, 0, 0, 0, 0, 0, 0, 0);
    }

    private static FlashgateException sahara(byte[]... fromDevice) throws Exception {
        MemoryLink[] line = MemoryLink.pair("edl");
        SaharaHost host = new SaharaHost(line[0], Duration.ofMillis(300));
        Thread device = new Thread(() -> {
            try {
                Thread.sleep(50); // once the host listens
                for (int i = 0; i < fromDevice.length; i++) {
                    line[1].write(fromDevice[i]);
                    if (i == 0 && java.util.Arrays.equals(fromDevice[0], hello())) { // as a boot ROM, it waits for the answer
                        line[1].readFully(new byte[0x30], 0, 0x30, Duration.ofSeconds(1));
                    }
                }
            } catch (Exception e) {
                // the host gave up first
            }
        });
        device.start();
        FlashgateException e = assertThrows(FlashgateException.class, () -> host.upload(PROGRAMMER, n -> { }));
        device.join();
        return e;
    }

    @Test
    void saharaRefusesLengthsItCannotTrust() throws Exception {
        byte[] huge = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(SaharaHost.HELLO).putInt(-1).array();
        assertEquals(ErrorCode.DEVICE_NAK, sahara(huge).code());
        byte[] shortHello = SaharaHost.packet(SaharaHost.HELLO, 2, 1);
        assertEquals(ErrorCode.DEVICE_NAK, sahara(shortHello).code());
    }

    @Test
    void saharaNeverServesBytesBeyondTheProgrammer() throws Exception {
        FlashgateException beyond = sahara(hello(), SaharaHost.packet(SaharaHost.READ_DATA, 13, 4000, 200));
        assertEquals(ErrorCode.DEVICE_NAK, beyond.code());
        assertTrue(beyond.detail().contains("200 bytes at 4000"), beyond.detail());
        ByteBuffer read64 = ByteBuffer.allocate(0x20).order(ByteOrder.LITTLE_ENDIAN).putInt(SaharaHost.READ_DATA_64).putInt(0x20)
                .putLong(13).putLong(Long.MAX_VALUE - 10).putLong(100);
        assertEquals(ErrorCode.DEVICE_NAK, sahara(hello(), read64.array()).code());
        assertEquals(ErrorCode.DEVICE_NAK, sahara(hello(), SaharaHost.packet(SaharaHost.READ_DATA, 7, 0, 16)).code(),
                "only the programmer image is served");
    }

    /**
     * A boot ROM of the kind that asks with READ_DATA_64 (64-bit offsets and lengths): it reads the
     * programmer back to front in uneven pieces, checks every byte, and starts it.
     */
    @Test
    void saharaServesReadData64RequestsByteForByte() throws Exception {
        byte[] programmer = new byte[10_000];
        new java.util.Random(64).nextBytes(programmer);
        MemoryLink[] line = MemoryLink.pair("edl");
        java.util.concurrent.CompletableFuture<byte[]> bootRom = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(50);
                SerialLink rom = line[1];
                rom.write(hello());
                byte[] helloResp = new byte[0x30];
                assertTrue(rom.readFully(helloResp, 0, helloResp.length, Duration.ofSeconds(5)));
                assertEquals(SaharaHost.HELLO_RESP, ByteBuffer.wrap(helloResp).order(ByteOrder.LITTLE_ENDIAN).getInt(0));
                byte[] got = new byte[programmer.length];
                long[][] pieces = {{7_000, 3_000}, {1, 6_999}, {0, 1}};
                for (long[] piece : pieces) {
                    rom.write(ByteBuffer.allocate(0x20).order(ByteOrder.LITTLE_ENDIAN).putInt(SaharaHost.READ_DATA_64).putInt(0x20)
                            .putLong(SaharaHost.PROGRAMMER_IMAGE).putLong(piece[0]).putLong(piece[1]).array());
                    assertTrue(rom.readFully(got, (int) piece[0], (int) piece[1], Duration.ofSeconds(5)));
                }
                rom.write(SaharaHost.packet(SaharaHost.END_OF_IMAGE_TX, SaharaHost.PROGRAMMER_IMAGE, 0));
                byte[] done = new byte[8];
                assertTrue(rom.readFully(done, 0, 8, Duration.ofSeconds(5)));
                assertEquals(SaharaHost.DONE, ByteBuffer.wrap(done).order(ByteOrder.LITTLE_ENDIAN).getInt(0));
                rom.write(SaharaHost.packet(SaharaHost.DONE_RESP, 1));
                return got;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        java.util.List<Long> progress = new java.util.ArrayList<>();
        new SaharaHost(line[0], Duration.ofSeconds(5)).upload(programmer, progress::add);
        assertArrayEquals(programmer, bootRom.get(5, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(java.util.List.of(3_000L, 9_999L, 10_000L), progress);
    }

    /**
     * A boot ROM that said HELLO three times before the host listened and never again: the host
     * answers once (a second HELLO_RESP would land in the ROM's image buffer) and at once (waiting
     * for a fresh HELLO would stall). One that never stops saying HELLO is refused.
     */
    @Test
    void saharaAnswersTheHellosQueuedBeforeItListenedOnce() throws Exception {
        byte[] programmer = new byte[3000];
        new java.util.Random(3).nextBytes(programmer);
        MemoryLink[] line = MemoryLink.pair("edl");
        SerialLink rom = line[1];
        for (int i = 0; i < 3; i++) {
            rom.write(hello());
        }
        java.util.concurrent.CompletableFuture<byte[]> bootRom = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                byte[] helloResp = new byte[0x30];
                assertTrue(rom.readFully(helloResp, 0, helloResp.length, Duration.ofSeconds(5)));
                assertEquals(SaharaHost.HELLO_RESP, ByteBuffer.wrap(helloResp).order(ByteOrder.LITTLE_ENDIAN).getInt(0));
                rom.write(SaharaHost.packet(SaharaHost.READ_DATA, SaharaHost.PROGRAMMER_IMAGE, 0, programmer.length));
                byte[] got = new byte[programmer.length];
                assertTrue(rom.readFully(got, 0, got.length, Duration.ofSeconds(5)));
                rom.write(SaharaHost.packet(SaharaHost.END_OF_IMAGE_TX, SaharaHost.PROGRAMMER_IMAGE, 0));
                byte[] done = new byte[8];
                assertTrue(rom.readFully(done, 0, 8, Duration.ofSeconds(5)));
                rom.write(SaharaHost.packet(SaharaHost.DONE_RESP, 1));
                return got;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        new SaharaHost(line[0], Duration.ofMillis(500)).upload(programmer, n -> { });
        assertArrayEquals(programmer, bootRom.get(5, java.util.concurrent.TimeUnit.SECONDS));

        byte[][] endless = new byte[40][];
        java.util.Arrays.fill(endless, hello());
        FlashgateException chatty = sahara(endless);
        assertEquals(ErrorCode.DEVICE_NAK, chatty.code());
        assertTrue(chatty.detail().contains("keeps repeating HELLO"), chatty.detail());
    }

    @Test
    void saharaSaysWhenTheProgrammerIsRefusedOrTheDeviceFallsSilent() throws Exception {
        FlashgateException refused = sahara(hello(), SaharaHost.packet(SaharaHost.END_OF_IMAGE_TX, 13, 0x21));
        assertEquals(ErrorCode.DEVICE_NAK, refused.code());
        assertTrue(refused.detail().contains("0x21: hash table authentication failed"), refused.detail());
        assertEquals(ErrorCode.DEVICE_STALLED, sahara().code());
        assertEquals(ErrorCode.DEVICE_STALLED, sahara(hello()).code());
        assertEquals(ErrorCode.DEVICE_NAK, sahara(hello(), SaharaHost.packet(0x99)).code());
    }

    private static FlashgateException firehose(String fromDevice) throws Exception {
        MemoryLink[] line = MemoryLink.pair("edl");
        line[1].write(fromDevice.getBytes(StandardCharsets.UTF_8));
        FirehoseHost host = new FirehoseHost(line[0], Duration.ofMillis(300), s -> { });
        return assertThrows(FlashgateException.class, () -> host.configure(1 << 20));
    }

    @Test
    void firehoseRefusesDocumentsItCannotTrust() throws Exception {
        assertEquals(ErrorCode.DEVICE_NAK, firehose("<?xml version=\"1.0\" ?><data>" + "x".repeat(70_000)).code());
        FlashgateException xxe = firehose("<?xml version=\"1.0\"?><!DOCTYPE data [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<data><response value=\"&x;\"/></data>");
        assertEquals(ErrorCode.DEVICE_NAK, xxe.code());
        assertEquals(ErrorCode.DEVICE_NAK, firehose("<?xml version=\"1.0\" ?><data><response value=\"MAYBE\"/></data>").code());
        assertEquals(ErrorCode.DEVICE_NAK, firehose("<?xml version=\"1.0\" ?><data><response value=</data>").code());
        assertEquals(ErrorCode.DEVICE_STALLED, firehose("<?xml version=\"1.0\" ?><data><log value=\"working\"/>").code());
        assertEquals(ErrorCode.DEVICE_NAK, firehose("<?xml version=\"1.0\" ?><data><response value=\"NAK\" "
                + "MaxPayloadSizeToTargetInBytesSupported=\"-5\"/></data>").code(), "a NAK without a usable size ends it");
    }

    @Test
    void patchFilesKeepOnlyThePatchesForTheDevice() throws Exception {
        PatchFile file = PatchFile.parse(("<patches><patch SECTOR_SIZE_IN_BYTES=\"2048\" byte_offset=\"0\" filename=\"DISK\" "
                + "size_in_bytes=\"4\" start_sector=\"9\" value=\"1\"/><patch filename=\"gpt_main0.bin\"/></patches>")
                .getBytes(StandardCharsets.UTF_8), "patch0.xml");
        assertEquals(1, file.diskPatches().size());
        assertEquals("9", file.diskPatches().get(0).get("start_sector"));
        for (String bad : new String[] {"<patches><program/></patches>", "<other/>",
            "<patches><patch filename=\"DISK\" SECTOR_SIZE_IN_BYTES=\"x\" byte_offset=\"0\" size_in_bytes=\"1\"/></patches>"}) {
            assertEquals(ErrorCode.MANIFEST_INVALID, assertThrows(FlashgateException.class,
                    () -> PatchFile.parse(bad.getBytes(StandardCharsets.UTF_8), "bad.xml")).code(), bad);
        }
    }

    /** A MIBIB table page: magic, version 4, then the entries (name, start block, blocks). */
    private static byte[] table(int magic, int count, Object... entries) {
        ByteBuffer b = ByteBuffer.allocate(2048).order(ByteOrder.LITTLE_ENDIAN).putInt(magic).putInt(0xE35EBDDB).putInt(4)
                .putInt(count);
        for (int i = 0; i < entries.length; i += 3) {
            b.put(java.util.Arrays.copyOf(((String) entries[i]).getBytes(StandardCharsets.US_ASCII), 16)).putInt((Integer) entries[i + 1])
                    .putInt((Integer) entries[i + 2]).putInt(0x000001FF);
        }
        return b.array();
    }

    @Test
    void partitionTablesAreReadStrictlyAndLayoutsCheckedAgainstThem() throws Exception {
        FirehoseHost.Geometry nand = new FirehoseHost.Geometry(2048, 131072, 2048);
        PartitionTable t = PartitionTable.parse(table(0x55EE73AA, 3, "0:SBL", 0, 10, "0:MODEM", 132, 480, "0:SYSTEM", 732, 0xFFFF),
                nand);
        assertEquals(new PartitionTable.Partition("modem", 8448, 30720), t.named("MODEM").orElseThrow());
        assertEquals(new PartitionTable.Partition("system", 732 * 64, (2048 - 732) * 64), t.named("system").orElseThrow(),
                "0xFFFF blocks: to the end of the flash");
        t.check(new RawProgram(java.util.List.of(new RawProgram.Program("m.ubi", "modem", new Range(8448, 30720, 2048))),
                java.util.List.of(new Range(46848, 64, 2048))), 2048);
        t.check(new RawProgram(java.util.List.of(new RawProgram.Program("m.ubi", "modem", new Range(2112, 7680, 8192))),
                java.util.List.of()), 2048); // the same bytes in sectors of 8 KiB
        for (RawProgram bad : new RawProgram[] {
            new RawProgram(java.util.List.of(new RawProgram.Program("m.ubi", "modem", new Range(8448, 30721, 2048))), java.util.List.of()),
            new RawProgram(java.util.List.of(new RawProgram.Program("m.ubi", "efs2", new Range(39168, 64, 2048))), java.util.List.of()),
            new RawProgram(java.util.List.of(new RawProgram.Program("m.ubi", "", new Range(600, 64, 2048))), java.util.List.of()),
            new RawProgram(java.util.List.of(new RawProgram.Program("m.ubi", "modem", new Range(8448, 64, 2048))),
                    java.util.List.of(new Range(39100, 200, 2048)))}) {
            assertEquals(ErrorCode.LAYOUT_MISMATCH, assertThrows(FlashgateException.class, () -> t.check(bad, 2048)).code());
        }
        for (byte[] page : new byte[][] {table(0x12345678, 1, "0:SBL", 0, 10), table(0x55EE73AA, 0), table(0x55EE73AA, 1000),
            table(0x55EE73AA, -1), new byte[8]}) {
            assertEquals(ErrorCode.LAYOUT_MISMATCH, assertThrows(FlashgateException.class, () -> PartitionTable.parse(page, nand)).code());
        }
    }

    @Test
    void layoutsAreReadStrictly() throws Exception {
        RawProgram ok = RawProgram.parse(("""
                <?xml version="1.0" ?>
                <data>
                  <!-- placeholders without a file are skipped -->
                  <program SECTOR_SIZE_IN_BYTES="2048" filename="" label="sbl" num_partition_sectors="1024" start_sector="0"/>
                  <erase SECTOR_SIZE_IN_BYTES="2048" label="system" num_partition_sectors="64" physical_partition_number="0" start_sector="39168"/>
                  <program SECTOR_SIZE_IN_BYTES="2048" filename="images/modem.ubi" label="modem" num_partition_sectors="1536" physical_partition_number="0" start_sector="8448"/>
                </data>
                """).getBytes(StandardCharsets.UTF_8), "rawprogram_nand.xml");
        assertEquals(1, ok.programs().size());
        assertEquals(new Range(8448, 1536, 2048), ok.programs().get(0).range());
        assertEquals("images/modem.ubi", ok.programs().get(0).filename());
        assertEquals(1, ok.erases().size());
        for (String bad : new String[] {
            "<data><program SECTOR_SIZE_IN_BYTES=\"2048\" filename=\"a\" num_partition_sectors=\"-1\" start_sector=\"0\"/></data>",
            "<data><program SECTOR_SIZE_IN_BYTES=\"0\" filename=\"a\" num_partition_sectors=\"1\" start_sector=\"0\"/></data>",
            "<data><program SECTOR_SIZE_IN_BYTES=\"2048\" filename=\"a\" num_partition_sectors=\"1\" start_sector=\"0\" "
                + "physical_partition_number=\"3\"/></data>",
            "<data><patch/></data>", "<data></data>", "<layout/>", "<data><program",
            "<!DOCTYPE data [<!ENTITY e \"x\">]><data/>"}) {
            FlashgateException e = assertThrows(FlashgateException.class,
                    () -> RawProgram.parse(bad.getBytes(StandardCharsets.UTF_8), "bad.xml"), bad);
            assertEquals(ErrorCode.MANIFEST_INVALID, e.code(), bad);
        }
    }
}
