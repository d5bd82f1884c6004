package dev.flashgate.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Firmware files for the simulated devices of the embedded default. Contents are deterministic
 * (seeded), so their SHA-256 is the same on every station: the simulated modem's list of
 * "OEM-signed" programmers can name the demo programmer by hash.
 */
final class DemoFirmware {

    static final int SECTOR = 2048;
    /** Start sector of the simulated modem's {@code modem} partition: block 132 of 64 pages. */
    static final int MODEM_START_SECTOR = 132 * 64;

    private DemoFirmware() {
    }

    /** A simulator firmware image: the {@code FGSIMFW} header line, then opaque bytes. */
    static void image(Path file, String model, String version, int securityVersion, int size, long seed) throws IOException {
        byte[] header = ("FGSIMFW " + model + " " + version + " " + securityVersion + "\n").getBytes(StandardCharsets.US_ASCII);
        write(file, header, size, seed);
    }

    /** The demo Firehose programmer for the simulated MDM9x07 modem. */
    static void programmer(Path file) throws IOException {
        write(file, "FGSIMPROG MDM9x07 nand firehose demo\n".getBytes(StandardCharsets.US_ASCII), 96 * 1024, 9007);
    }

    /** A NAND layout programming {@code imagePath} into the modem partition. */
    static void layout(Path file, String imagePath, long imageSize) throws IOException {
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
        SplittableRandom random = new SplittableRandom(seed);
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(header);
            for (long left = size - header.length; left > 0; left -= block.length) {
                random.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        }
    }
}
