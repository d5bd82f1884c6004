package dev.flashgate.simulator.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The simulated modem's NAND: 2048 blocks of 64 pages of 2048 bytes (256 MiB) in a sparse file,
 * with the partitions of an MDM9x07 modem. As on a real one, the first page of {@code sbl} starts
 * with the boot header codeword and the {@code mibib} partition holds the partition table, in the
 * form Qualcomm's NAND tools read it: a MIBIB header page, then the table page (see
 * {@link #writeFactoryTables()}). Erased flash reads {@code 0xFF}; the file holds every byte
 * inverted, so erased flash is the file's holes and a new device costs no disk space.
 */
final class Nand implements AutoCloseable {

    /** The file name in the device's folder ({@code .inv}: inverted, see above). */
    static final String FILE = "nand.inv";
    static final int SECTOR = 2048;
    static final int PAGES_PER_BLOCK = 64;
    static final int BLOCKS = 2048;
    static final long SIZE = (long) BLOCKS * PAGES_PER_BLOCK * SECTOR;
    /** First word of the boot loader's first page, by which hosts tell a NAND from a GPT device. */
    static final int SBL_CODEWORD = 0x844BDCD1;
    static final int MIBIB_MAGIC1 = 0xFE569FAC;
    static final int MIBIB_MAGIC2 = 0xCD7F127A;
    static final int PARTITION_TABLE_MAGIC1 = 0x55EE73AA;
    static final int PARTITION_TABLE_MAGIC2 = 0xE35EBDDB;
    static final int PARTITION_TABLE_VERSION = 4;
    static final int ENTRY_BYTES = 28;

    /** A partition in sectors. {@code bootChain}: torn, the device can only come up in EDL. */
    record Partition(String name, long startSector, long sectors, boolean bootChain) {
        boolean contains(long start, long count) {
            return start >= startSector && start + count <= startSector + sectors;
        }

        long startBlock() {
            return startSector / PAGES_PER_BLOCK;
        }

        long blocks() {
            return sectors / PAGES_PER_BLOCK;
        }
    }

    static final List<Partition> PARTITIONS = List.of(
            part("sbl", 0, 10, true), part("mibib", 10, 6, true), part("tz", 16, 8, true), part("rpm", 24, 4, true),
            part("aboot", 28, 8, true), part("boot", 36, 96, true), part("modem", 132, 480, true),
            part("efs2", 612, 96, false), part("fsg", 708, 24, false), part("system", 732, 1316, false));

    /** The partition holding the partition table: its first page the MIBIB header, the next the table. */
    static final Partition MIBIB = PARTITIONS.get(1);

    private static Partition part(String name, long startBlock, long blocks, boolean bootChain) {
        return new Partition(name, startBlock * PAGES_PER_BLOCK, blocks * PAGES_PER_BLOCK, bootChain);
    }

    private final RandomAccessFile file;

    Nand(Path path) throws IOException {
        boolean fresh = !path.toFile().exists();
        this.file = new RandomAccessFile(path.toFile(), "rw");
        if (fresh || file.length() != SIZE) {
            file.setLength(0);
            file.setLength(SIZE); // all holes: all erased
        }
    }

    /**
     * What the factory writes before the device ships: the boot loader's codeword at the start of
     * {@code sbl}, and the MIBIB ({@link #mibib()}) at the start of {@code mibib}.
     */
    void writeFactoryTables() throws IOException {
        byte[] sbl = new byte[SECTOR];
        ByteBuffer.wrap(sbl).order(ByteOrder.LITTLE_ENDIAN).putInt(SBL_CODEWORD)
                .put("FGSIMSBL".getBytes(StandardCharsets.US_ASCII));
        write(0, sbl, sbl.length);
        byte[] mibib = mibib();
        write(MIBIB.startSector(), mibib, mibib.length);
    }

    /**
     * The MIBIB's first two pages, as a vendor's {@code partition.mbn} holds them for this NAND:
     * the header page (two magic words, version, age) and the partition table page (two magic
     * words, version, count, then per partition a 16-byte name {@code 0:NAME}, start block and
     * length in blocks, three attribute bytes, the flash number).
     */
    static byte[] mibib() {
        byte[] header = new byte[SECTOR];
        ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).putInt(MIBIB_MAGIC1).putInt(MIBIB_MAGIC2)
                .putInt(PARTITION_TABLE_VERSION).putInt(1);
        byte[] table = new byte[SECTOR];
        ByteBuffer t = ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN);
        t.putInt(PARTITION_TABLE_MAGIC1).putInt(PARTITION_TABLE_MAGIC2).putInt(PARTITION_TABLE_VERSION).putInt(PARTITIONS.size());
        for (Partition p : PARTITIONS) {
            byte[] name = Arrays.copyOf(("0:" + p.name().toUpperCase(Locale.ROOT))
                    .getBytes(StandardCharsets.US_ASCII), 16);
            t.put(name).putInt((int) p.startBlock()).putInt((int) p.blocks()).put((byte) 0xFF).put((byte) 0x01).put((byte) 0x00)
                    .put((byte) 0x00);
        }
        byte[] both = Arrays.copyOf(header, 2 * SECTOR);
        System.arraycopy(table, 0, both, SECTOR, SECTOR);
        return both;
    }

    private static void invert(byte[] data, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            data[i] = (byte) ~data[i];
        }
    }

    /** The partition holding sectors [start, start+count), or null when they cross a boundary. */
    static Partition partition(long start, long count) {
        return PARTITIONS.stream().filter(p -> p.contains(start, count)).findFirst().orElse(null);
    }

    /** Programs {@code length} bytes of {@code data} at {@code sector}; {@code data} is left inverted (it is a scratch buffer). */
    synchronized void write(long sector, byte[] data, int length) throws IOException {
        invert(data, 0, length);
        // through the channel: the JDK reuses its buffer, where RandomAccessFile.write allocates one per call
        ByteBuffer b = ByteBuffer.wrap(data, 0, length);
        while (b.hasRemaining()) {
            file.getChannel().write(b, sector * SECTOR + b.position());
        }
    }

    synchronized byte[] read(long sector, int length) throws IOException {
        byte[] out = new byte[length];
        file.seek(sector * SECTOR);
        file.readFully(out);
        invert(out, 0, length);
        return out;
    }

    synchronized void erase(long sector, long count) throws IOException {
        byte[] erased = new byte[SECTOR * PAGES_PER_BLOCK]; // 0xFF, inverted
        file.seek(sector * SECTOR);
        for (long left = count * SECTOR; left > 0; left -= erased.length) {
            file.write(erased, 0, (int) Math.min(erased.length, left));
        }
    }

    synchronized String sha256(long sector, long count) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[SECTOR * PAGES_PER_BLOCK];
            file.seek(sector * SECTOR);
            for (long left = count * SECTOR; left > 0; left -= buffer.length) {
                int n = (int) Math.min(buffer.length, left);
                file.readFully(buffer, 0, n);
                invert(buffer, 0, n);
                sha.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        file.close();
    }
}
