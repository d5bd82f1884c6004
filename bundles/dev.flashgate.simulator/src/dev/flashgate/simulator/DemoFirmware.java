package dev.flashgate.simulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Firmware files for the simulated devices. Contents are deterministic (seeded), so their SHA-256
 * is the same on every station: the simulated modem's list of "OEM-signed" programmers names
 * the demo programmer by hash.
 */
public final class DemoFirmware {

    public static final int SECTOR = 2048;
    /** Start sector of the simulated modem's {@code modem} partition: block 132 of 64 pages. */
    public static final int MODEM_START_SECTOR = 132 * 64;
    /** Size of the demo Firehose programmer. */
    public static final int PROGRAMMER_SIZE = 96 * 1024;

    private DemoFirmware() {
    }

    /** A simulator firmware image: the {@code FGSIMFW} header line, then opaque bytes. */
    public static void image(Path file, String model, String version, int securityVersion, int size, long seed) throws IOException {
        byte[] header = ("FGSIMFW " + model + " " + version + " " + securityVersion + "\n").getBytes(StandardCharsets.US_ASCII);
        write(file, header, size, seed);
    }

    /**
     * The demo Firehose programmer for the simulated MDM9x07 modem. A simulated programmer starts
     * with {@code FGSIMPROG <chipset> <size>\n}, which the simulated boot ROM reads first to know
     * how much to ask for (a real one reads the ELF headers of the MBN).
     */
    public static void programmer(Path file) throws IOException {
        write(file, programmerHeader(), PROGRAMMER_SIZE, 9007);
    }

    /** The demo programmer's bytes, for a simulator to know its hash without a file. */
    public static byte[] programmerBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(PROGRAMMER_SIZE);
        try {
            write(out, programmerHeader(), PROGRAMMER_SIZE, 9007);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] programmerHeader() {
        return ("FGSIMPROG MDM9x07 " + PROGRAMMER_SIZE + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A NAND layout programming {@code imagePath} into the modem partition. */
    public static void layout(Path file, String imagePath, long imageSize) throws IOException {
        long sectors = (imageSize + SECTOR - 1) / SECTOR;
        Files.writeString(file, """
                <?xml version="1.0" ?>
                <data>
                  <program SECTOR_SIZE_IN_BYTES="%d" filename="%s" label="modem" num_partition_sectors="%d" \
                physical_partition_number="0" start_sector="%d"/>
                </data>
                """.formatted(SECTOR, imagePath, sectors, MODEM_START_SECTOR), StandardCharsets.US_ASCII);
    }

    private static void write(Path file, byte[] header, int size, long seed) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, header, size, seed);
        }
    }

    private static void write(OutputStream out, byte[] header, int size, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] block = new byte[64 * 1024];
        out.write(header);
        for (long left = size - header.length; left > 0; left -= block.length) {
            random.nextBytes(block);
            out.write(block, 0, (int) Math.min(block.length, left));
        }
    }
}
