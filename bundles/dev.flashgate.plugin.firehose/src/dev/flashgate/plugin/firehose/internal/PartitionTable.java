package dev.flashgate.plugin.firehose.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;

/**
 * The partitions a Qualcomm NAND device keeps in its MIBIB, read through the programmer: the boot
 * loader's codeword in sector 0 says it is NAND; the MIBIB header (two magic words) lies at sector
 * 0x280, 0x400 or 0x800 (by page size), and the sector after it holds the table: two magic words,
 * version, count, then per partition a 16-byte name ({@code 0:NAME}), start block and length in
 * blocks (u32, little-endian), three attribute bytes and the flash number. Blocks are converted to
 * sectors with the geometry {@code getstorageinfo} gives.
 */
record PartitionTable(List<Partition> partitions) {

    static final int SBL_CODEWORD = 0x844BDCD1;
    private static final int MIBIB_MAGIC1 = 0xFE569FAC;
    private static final int MIBIB_MAGIC2 = 0xCD7F127A;
    private static final int TABLE_MAGIC1 = 0x55EE73AA;
    private static final int TABLE_MAGIC2 = 0xE35EBDDB;
    private static final long[] MIBIB_SECTORS = {0x280, 0x400, 0x800};
    private static final int ENTRY = 28;
    private static final int MAX_PARTITIONS = 64;

    /** One partition, in sectors of the device's page size. */
    record Partition(String name, long startSector, long sectors) {
        boolean contains(Range r, int sectorSize) {
            long startByte = r.start() * r.sectorSize();
            long endByte = startByte + r.bytes();
            return startByte >= startSector * sectorSize && endByte <= (startSector + sectors) * sectorSize;
        }
    }

    PartitionTable {
        partitions = List.copyOf(partitions);
    }

    /** Reads the table from the device behind {@code firehose}, configured already. */
    static PartitionTable read(FirehoseHost firehose, FirehoseHost.Geometry geometry) throws FlashgateException {
        int page = geometry.pageSize();
        ByteBuffer first = le(firehose.read(new Range(0, 1, page), page));
        if (first.getInt(0) != SBL_CODEWORD) {
            throw new FlashgateException(ErrorCode.LAYOUT_MISMATCH, "sector 0 does not start with the NAND boot loader's codeword: "
                    + "the device has no NAND partition table to check the layout against");
        }
        for (long sector : MIBIB_SECTORS) {
            ByteBuffer header = le(firehose.read(new Range(sector, 1, page), page));
            if (header.getInt(0) == MIBIB_MAGIC1 && header.getInt(4) == MIBIB_MAGIC2) {
                return parse(firehose.read(new Range(sector + 1, 1, page), page), geometry);
            }
        }
        throw new FlashgateException(ErrorCode.LAYOUT_MISMATCH, "no MIBIB partition table at sector 0x280, 0x400 or 0x800");
    }

    static PartitionTable parse(byte[] page, FirehoseHost.Geometry geometry) throws FlashgateException {
        ByteBuffer t = le(page);
        if (page.length < 16 || t.getInt(0) != TABLE_MAGIC1 || t.getInt(4) != TABLE_MAGIC2) {
            throw new FlashgateException(ErrorCode.LAYOUT_MISMATCH, "the MIBIB holds no partition table (wrong magic)");
        }
        int count = t.getInt(12);
        if (count <= 0 || count > MAX_PARTITIONS || 16 + (long) count * ENTRY > page.length) {
            throw new FlashgateException(ErrorCode.LAYOUT_MISMATCH, "the partition table claims " + Integer.toUnsignedString(count)
                    + " partitions");
        }
        long pagesPerBlock = geometry.blockSize() / geometry.pageSize();
        List<Partition> partitions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int at = 16 + i * ENTRY;
            byte[] raw = new byte[16];
            t.get(at, raw);
            String name = new String(raw, StandardCharsets.US_ASCII);
            name = name.substring(0, name.indexOf('\0') < 0 ? name.length() : name.indexOf('\0'));
            name = (name.startsWith("0:") ? name.substring(2) : name).toLowerCase(Locale.ROOT);
            long start = Integer.toUnsignedLong(t.getInt(at + 16));
            long blocks = Integer.toUnsignedLong(t.getInt(at + 20)) & 0xFFFF; // 0xFFFF: to the end of the flash
            if (blocks == 0xFFFF) {
                blocks = Math.max(0, geometry.blocks() - start);
            }
            partitions.add(new Partition(name, start * pagesPerBlock, blocks * pagesPerBlock));
        }
        return new PartitionTable(partitions);
    }

    Optional<Partition> named(String label) {
        return partitions.stream().filter(p -> p.name().equalsIgnoreCase(label.trim())).findFirst();
    }

    /**
     * Refuses, before anything is written, a layout that programs outside the partition it names,
     * names one the device does not have, or erases across partitions.
     */
    void check(RawProgram layout, int pageSize) throws FlashgateException {
        for (RawProgram.Program p : layout.programs()) {
            if (p.label().isBlank()) {
                inSome(p.range(), pageSize, "'" + p.filename() + "'");
                continue;
            }
            Partition part = named(p.label()).orElseThrow(() -> new FlashgateException(ErrorCode.LAYOUT_MISMATCH, "the layout "
                    + "programs partition '" + p.label() + "', which this device does not have (it has " + names() + ")"));
            if (!part.contains(p.range(), pageSize)) {
                throw new FlashgateException(ErrorCode.LAYOUT_MISMATCH, "the layout programs sectors " + p.range().start() + "+"
                        + p.range().sectors() + " as '" + p.label() + "', which on this device is sectors " + part.startSector()
                        + "+" + part.sectors());
            }
        }
        for (Range erase : layout.erases()) {
            inSome(erase, pageSize, "an erase");
        }
    }

    private void inSome(Range r, int pageSize, String what) throws FlashgateException {
        if (partitions.stream().noneMatch(p -> p.contains(r, pageSize))) {
            throw new FlashgateException(ErrorCode.LAYOUT_MISMATCH, what + " of sectors " + r.start() + "+" + r.sectors()
                    + " does not lie inside one partition of this device");
        }
    }

    private String names() {
        return String.join(", ", partitions.stream().map(Partition::name).toList());
    }

    private static ByteBuffer le(byte[] data) {
        return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }
}
