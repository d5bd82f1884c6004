package dev.flashgate.verify.internal;

import static dev.flashgate.core.ErrorCode.PKG_BAD_ENTRY_NAME;
import static dev.flashgate.core.ErrorCode.PKG_CORRUPT;
import static dev.flashgate.core.ErrorCode.PKG_NOT_ZIP;
import static dev.flashgate.core.ErrorCode.PKG_TOO_LARGE;
import static dev.flashgate.core.ErrorCode.PKG_TRUNCATED;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;

import dev.flashgate.core.FlashgateException;

/**
 * A strict reader of the ZIP container of an update package (PKWARE APPNOTE, with ZIP64).
 * The central directory is the truth: every local header and data descriptor must agree with it
 * (name, method, sizes, CRC-32), entries must tile the file from byte 0 up to the central
 * directory with no gap or overlap, and nothing may follow the end record. What an entry may be
 * and be named is {@link EntryNames}' to say. Reads are positional, so entries can be streamed
 * from many threads.
 */
public final class ZipArchive implements Closeable {

    /** Entry limit of the package format. */
    public static final int MAX_ENTRIES = 10_000;

    private static final int LOCAL_HEADER = 0x04034b50;
    private static final int CENTRAL_HEADER = 0x02014b50;
    private static final int END_RECORD = 0x06054b50;
    private static final int ZIP64_END_RECORD = 0x06064b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int DATA_DESCRIPTOR = 0x08074b50;
    private static final int EXTRA_ZIP64 = 0x0001;
    private static final int EXTRA_UNICODE_PATH = 0x7075;
    private static final int END_RECORD_SIZE = 22;
    private static final long U32_MAX = 0xFFFF_FFFFL;
    private static final int FLAG_ENCRYPTED = 1;
    private static final int FLAG_DESCRIPTOR = 1 << 3;
    private static final int FLAG_STRONG_ENCRYPTION = 1 << 6;

    private final Path path;
    private final FileChannel channel;
    private final long fileSize;
    private final List<ZipEntryRecord> entries;
    private final Map<String, ZipEntryRecord> byName;

    private ZipArchive(Path path, FileChannel channel) throws IOException, FlashgateException {
        this.path = path;
        this.channel = channel;
        this.fileSize = channel.size();
        this.entries = List.copyOf(readEntries());
        Map<String, ZipEntryRecord> names = new LinkedHashMap<>();
        for (ZipEntryRecord e : entries) {
            names.putIfAbsent(e.name(), e);
        }
        this.byName = names;
    }

    public static ZipArchive open(Path path) throws IOException, FlashgateException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return new ZipArchive(path, channel);
        } catch (IOException | FlashgateException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public long fileSize() {
        return fileSize;
    }

    public List<ZipEntryRecord> entries() {
        return entries;
    }

    /** The first entry with exactly this name (duplicates are a separate, name-level check). */
    public Optional<ZipEntryRecord> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** A reader of one entry's uncompressed bytes; each call gives an independent reader. */
    public EntryReader reader(ZipEntryRecord entry) {
        return new EntryReader(channel, entry);
    }

    /** A pull stream of one entry's uncompressed bytes; each call gives an independent stream. */
    public EntryInputStream stream(ZipEntryRecord entry) {
        return new EntryInputStream(channel, entry);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private List<ZipEntryRecord> readEntries() throws IOException, FlashgateException {
        if (fileSize < END_RECORD_SIZE) {
            throw new FlashgateException(startsLikeZip() ? PKG_TRUNCATED : PKG_NOT_ZIP,
                    "file of " + fileSize + " bytes is too short to be a ZIP archive");
        }
        long endPos = findEndRecord();
        ByteBuffer end = read(endPos, END_RECORD_SIZE);
        int disk = u16(end, 4);
        int cdDisk = u16(end, 6);
        long diskEntries = u16(end, 8);
        long totalEntries = u16(end, 10);
        long cdSize = u32(end, 12);
        long cdOffset = u32(end, 16);
        long cdEnd = endPos;

        boolean announced = diskEntries == 0xFFFF || totalEntries == 0xFFFF || cdSize == U32_MAX || cdOffset == U32_MAX;
        ByteBuffer locator = endPos >= 20 ? read(endPos - 20, 20) : null;
        // APPNOTE allows a ZIP64 end record in any archive, also where no field needs it (Python's
        // zipfile writes one past 2 GiB): where there is one, it is read
        if (locator != null && locator.getInt(0) == ZIP64_LOCATOR) {
            if (locator.getInt(4) != 0 || locator.getInt(16) != 1) {
                throw new FlashgateException(PKG_NOT_ZIP, "multi-disk archives are not allowed");
            }
            long z64Pos = locator.getLong(8);
            if (z64Pos < 0 || z64Pos + 56 > endPos - 20) {
                throw new FlashgateException(PKG_NOT_ZIP, "ZIP64 end record points outside the archive");
            }
            ByteBuffer z64 = read(z64Pos, 56);
            if (z64.getInt(0) != ZIP64_END_RECORD) {
                throw new FlashgateException(PKG_NOT_ZIP, "ZIP64 end record not found where its locator points");
            }
            long recordSize = z64.getLong(4);
            if (z64Pos + 12 + recordSize != endPos - 20) {
                throw new FlashgateException(PKG_NOT_ZIP, "unexpected bytes between the ZIP64 end record and its locator");
            }
            // a field the end record does not leave to the ZIP64 record must say the same in both
            if (disk != 0xFFFF && disk != z64.getInt(16) || cdDisk != 0xFFFF && cdDisk != z64.getInt(20)
                    || diskEntries != 0xFFFF && diskEntries != z64.getLong(24)
                    || totalEntries != 0xFFFF && totalEntries != z64.getLong(32)
                    || cdSize != U32_MAX && cdSize != z64.getLong(40) || cdOffset != U32_MAX && cdOffset != z64.getLong(48)) {
                throw new FlashgateException(PKG_NOT_ZIP, "the ZIP64 end record and the end record describe different archives");
            }
            disk = z64.getInt(16);
            cdDisk = z64.getInt(20);
            diskEntries = z64.getLong(24);
            totalEntries = z64.getLong(32);
            cdSize = z64.getLong(40);
            cdOffset = z64.getLong(48);
            cdEnd = z64Pos;
        } else if (announced) {
            throw new FlashgateException(PKG_NOT_ZIP, "ZIP64 end record announced but its locator is missing");
        }
        if (disk != 0 || cdDisk != 0 || diskEntries != totalEntries) {
            throw new FlashgateException(PKG_NOT_ZIP, "multi-disk archives are not allowed");
        }
        if (totalEntries > MAX_ENTRIES) {
            throw new FlashgateException(PKG_TOO_LARGE,
                    totalEntries + " entries; a package may have at most " + MAX_ENTRIES);
        }
        if (cdOffset < 0 || cdSize < 0 || cdOffset + cdSize > cdEnd) {
            throw new FlashgateException(PKG_TRUNCATED, "the central directory lies outside the file");
        }
        if (cdOffset + cdSize != cdEnd) {
            throw new FlashgateException(PKG_NOT_ZIP, "unexpected bytes after the central directory");
        }
        if (cdSize > 64L * 1024 * 1024) {
            throw new FlashgateException(PKG_TOO_LARGE, "central directory of " + cdSize + " bytes");
        }
        ByteBuffer cd = read(cdOffset, (int) cdSize);
        List<ZipEntryRecord> result = new ArrayList<>((int) totalEntries);
        int pos = 0;
        for (long i = 0; i < totalEntries; i++) {
            ZipEntryRecord central = parseCentral(cd, pos);
            pos += central.centralRecordLength();
            result.add(checkLocal(central));
        }
        if (pos != cdSize) {
            throw new FlashgateException(PKG_NOT_ZIP, "the central directory has " + (cdSize - pos)
                    + " bytes more than its " + totalEntries + " entries");
        }
        checkTiling(result, cdOffset);
        return result;
    }

    private boolean startsLikeZip() throws IOException, FlashgateException {
        if (fileSize < 4) {
            return fileSize > 0 && read(0, (int) fileSize).get(0) == 'P';
        }
        return read(0, 4).getInt(0) == LOCAL_HEADER;
    }

    /** The end record must close the file exactly: its comment length reaches the last byte. */
    private long findEndRecord() throws IOException, FlashgateException {
        int window = (int) Math.min(fileSize, END_RECORD_SIZE + 0xFFFF);
        ByteBuffer tail = read(fileSize - window, window);
        boolean sawRecord = false;
        for (int i = window - END_RECORD_SIZE; i >= 0; i--) {
            if (tail.getInt(i) == END_RECORD) {
                sawRecord = true;
                int commentLength = u16(tail, i + 20);
                if (i + END_RECORD_SIZE + commentLength == window) {
                    return fileSize - window + i;
                }
            }
        }
        if (sawRecord) {
            throw new FlashgateException(PKG_NOT_ZIP, "unexpected bytes after the end of the archive");
        }
        if (startsLikeZip()) {
            throw new FlashgateException(PKG_TRUNCATED,
                    "the archive's end record is missing: the file was cut off at " + fileSize + " bytes");
        }
        throw new FlashgateException(PKG_NOT_ZIP, "no ZIP end record found");
    }

    private ZipEntryRecord parseCentral(ByteBuffer cd, int pos) throws FlashgateException {
        if (pos + 46 > cd.limit() || cd.getInt(pos) != CENTRAL_HEADER) {
            throw new FlashgateException(PKG_NOT_ZIP, "corrupt central directory at entry offset " + pos);
        }
        int madeBy = u16(cd, pos + 4);
        int flags = u16(cd, pos + 8);
        int method = u16(cd, pos + 10);
        long crc = u32(cd, pos + 16);
        long csize = u32(cd, pos + 20);
        long usize = u32(cd, pos + 24);
        int nameLength = u16(cd, pos + 28);
        int extraLength = u16(cd, pos + 30);
        int commentLength = u16(cd, pos + 32);
        int diskStart = u16(cd, pos + 34);
        long externalAttributes = u32(cd, pos + 38);
        long localOffset = u32(cd, pos + 42);
        int recordLength = 46 + nameLength + extraLength + commentLength;
        if (pos + recordLength > cd.limit()) {
            throw new FlashgateException(PKG_NOT_ZIP, "corrupt central directory at entry offset " + pos);
        }
        byte[] nameBytes = bytes(cd, pos + 46, nameLength);
        String name = decodeName(nameBytes);
        EntryNames.checkType(name, madeBy >>> 8, externalAttributes);
        checkUnicodePath(cd, pos + 46 + nameLength, extraLength, name);
        if ((flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) != 0) {
            throw new FlashgateException(PKG_NOT_ZIP, name + ": encrypted entries are not allowed");
        }
        if (method != ZipEntryRecord.STORED && method != ZipEntryRecord.DEFLATED) {
            throw new FlashgateException(PKG_NOT_ZIP, name + ": compression method " + method
                    + " is not allowed (only stored or deflated)");
        }
        Zip64 z64 = Zip64.from(cd, pos + 46 + nameLength, extraLength, usize == U32_MAX, csize == U32_MAX,
                localOffset == U32_MAX, diskStart == 0xFFFF, name);
        usize = z64.usize(usize);
        csize = z64.csize(csize);
        localOffset = z64.offset(localOffset);
        if (z64.disk(diskStart) != 0) {
            throw new FlashgateException(PKG_NOT_ZIP, "multi-disk archives are not allowed");
        }
        if (method == ZipEntryRecord.STORED && csize != usize) {
            throw new FlashgateException(PKG_NOT_ZIP, name + ": stored entry with different sizes");
        }
        return new ZipEntryRecord(name, nameBytes, flags, method, crc, csize, usize, localOffset, -1, -1, recordLength);
    }

    private ZipEntryRecord checkLocal(ZipEntryRecord c) throws IOException, FlashgateException {
        if (c.localOffset() + 30 > fileSize) {
            throw new FlashgateException(PKG_TRUNCATED, c.name() + ": local header lies beyond the end of the file");
        }
        ByteBuffer h = read(c.localOffset(), 30);
        if (h.getInt(0) != LOCAL_HEADER) {
            throw new FlashgateException(PKG_NOT_ZIP, c.name() + ": no local header where the central directory points");
        }
        int flags = u16(h, 6);
        int method = u16(h, 8);
        long crc = u32(h, 14);
        long csize = u32(h, 18);
        long usize = u32(h, 22);
        int nameLength = u16(h, 26);
        int extraLength = u16(h, 28);
        long dataStart = c.localOffset() + 30 + nameLength + extraLength;
        if (dataStart > fileSize) {
            throw new FlashgateException(PKG_TRUNCATED, c.name() + ": local header cut off");
        }
        ByteBuffer var = read(c.localOffset() + 30, nameLength + extraLength);
        if (!Arrays.equals(bytes(var, 0, nameLength), c.nameBytes())) {
            throw new FlashgateException(PKG_NOT_ZIP, c.name() + ": local header names another file");
        }
        if (method != c.method() || (flags & FLAG_ENCRYPTED) != 0 || (flags & FLAG_DESCRIPTOR) != (c.flags() & FLAG_DESCRIPTOR)) {
            throw new FlashgateException(PKG_NOT_ZIP, c.name() + ": local header disagrees with the central directory");
        }
        boolean deferred = (flags & FLAG_DESCRIPTOR) != 0;
        // with a data descriptor the local CRC-32 may be left zero (APPNOTE 4.4.4); any other value is a claim
        if (crc != c.crc() && !(deferred && crc == 0)) {
            throw new FlashgateException(PKG_CORRUPT, c.name() + ": the local header's CRC-32 disagrees with the central directory");
        }
        checkUnicodePath(var, nameLength, extraLength, c.name());
        Zip64 z64 = Zip64.from(var, nameLength, extraLength, usize == U32_MAX, csize == U32_MAX, false, false, c.name());
        usize = z64.usize(usize);
        csize = z64.csize(csize);
        boolean sizesAgree = usize == c.size() && csize == c.compressedSize();
        if (!sizesAgree && !(deferred && usize == 0 && csize == 0)) {
            throw new FlashgateException(PKG_NOT_ZIP, c.name() + ": local header sizes disagree with the central directory");
        }
        long dataEnd = dataStart + c.compressedSize();
        if (dataEnd > fileSize) {
            throw new FlashgateException(PKG_TRUNCATED, c.name() + ": data cut off");
        }
        long end = deferred ? dataEnd + descriptorLength(c, dataEnd, z64.present()) : dataEnd;
        return new ZipEntryRecord(c.name(), c.nameBytes(), c.flags(), c.method(), c.crc(), c.compressedSize(), c.size(),
                c.localOffset(), dataStart, end, c.centralRecordLength());
    }

    private int descriptorLength(ZipEntryRecord c, long at, boolean zip64) throws IOException, FlashgateException {
        int sizeWidth = zip64 || c.size() >= U32_MAX || c.compressedSize() >= U32_MAX ? 8 : 4;
        int withoutSignature = 4 + 2 * sizeWidth;
        if (at + 4 > fileSize) {
            throw new FlashgateException(PKG_TRUNCATED, c.name() + ": data descriptor cut off");
        }
        boolean signed = read(at, 4).getInt(0) == DATA_DESCRIPTOR;
        int length = withoutSignature + (signed ? 4 : 0);
        if (at + length > fileSize) {
            throw new FlashgateException(PKG_TRUNCATED, c.name() + ": data descriptor cut off");
        }
        ByteBuffer d = read(at + (signed ? 4 : 0), withoutSignature);
        if (u32(d, 0) != c.crc()) {
            throw new FlashgateException(PKG_CORRUPT, c.name() + ": the data descriptor's CRC-32 disagrees with the central directory");
        }
        long csize = sizeWidth == 8 ? d.getLong(4) : u32(d, 4);
        long usize = sizeWidth == 8 ? d.getLong(4 + 8) : u32(d, 8);
        if (csize != c.compressedSize() || usize != c.size()) {
            throw new FlashgateException(PKG_NOT_ZIP, c.name() + ": data descriptor disagrees with the central directory");
        }
        return length;
    }

    /** Entries must cover [0, central directory) exactly: no prefix, no hidden gap, no overlap. */
    private static void checkTiling(List<ZipEntryRecord> entries, long cdOffset) throws FlashgateException {
        List<ZipEntryRecord> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(ZipEntryRecord::localOffset));
        long expected = 0;
        for (ZipEntryRecord e : sorted) {
            if (e.localOffset() < expected) {
                throw new FlashgateException(PKG_NOT_ZIP, e.name() + ": overlaps the entry before it");
            }
            if (e.localOffset() > expected) {
                throw new FlashgateException(PKG_NOT_ZIP, (expected == 0 ? "bytes before the first entry" : "hidden bytes before " + e.name())
                        + " (" + (e.localOffset() - expected) + " bytes at offset " + expected + ")");
            }
            expected = e.recordEnd();
        }
        if (expected != cdOffset) {
            throw new FlashgateException(PKG_NOT_ZIP, expected > cdOffset
                    ? "the last entry overlaps the central directory"
                    : "hidden bytes before the central directory");
        }
    }

    private static String decodeName(byte[] name) throws FlashgateException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(name)).toString();
        } catch (CharacterCodingException e) {
            throw new FlashgateException(PKG_BAD_ENTRY_NAME, "an entry name is not valid UTF-8");
        }
    }

    ByteBuffer read(long position, int length) throws IOException, FlashgateException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, buffer, position);
        return buffer.flip();
    }

    static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException, FlashgateException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new FlashgateException(PKG_TRUNCATED, "unexpected end of file at offset " + at);
            }
            at += n;
        }
    }

    private static byte[] bytes(ByteBuffer b, int at, int length) {
        byte[] out = new byte[length];
        b.get(at, out);
        return out;
    }

    static int u16(ByteBuffer b, int at) {
        return Short.toUnsignedInt(b.getShort(at));
    }

    static long u32(ByteBuffer b, int at) {
        return Integer.toUnsignedLong(b.getInt(at));
    }

    /** One field of an entry's extra data: where its data begins in the buffer, and how long it is. */
    private record Extra(int data, int size) {
        int end() {
            return data + size;
        }
    }

    /** The extra field {@code id}, or {@code null}; the extra data must be well formed up to it. */
    private static Extra extra(ByteBuffer b, int start, int length, int id, String name) throws FlashgateException {
        int pos = start;
        int end = start + length;
        while (pos + 4 <= end) {
            int size = u16(b, pos + 2);
            int data = pos + 4;
            if (data + size > end) {
                throw new FlashgateException(PKG_NOT_ZIP, name + ": corrupt extra field");
            }
            if (u16(b, pos) == id) {
                return new Extra(data, size);
            }
            pos = data + size;
        }
        return null;
    }

    /**
     * Info-ZIP's Unicode path field (0x7075: version 1, the CRC-32 of the header's name, a UTF-8
     * name), which unzip shows and extracts instead of the entry's name, may only repeat it.
     */
    private static void checkUnicodePath(ByteBuffer b, int start, int length, String name) throws FlashgateException {
        Extra field = extra(b, start, length, EXTRA_UNICODE_PATH, name);
        if (field == null) {
            return;
        }
        if (field.size() < 5 || b.get(field.data()) != 1) {
            throw new FlashgateException(PKG_BAD_ENTRY_NAME, EntryNames.printable(name) + ": unknown Unicode path field");
        }
        String unicode;
        try {
            unicode = decodeName(bytes(b, field.data() + 5, field.size() - 5));
        } catch (FlashgateException e) {
            unicode = null;
        }
        EntryNames.checkUnicodePath(name, unicode);
    }

    /** The ZIP64 extended information extra field (0x0001): present fields appear in a fixed order. */
    private record Zip64(boolean present, long usize, long csize, long offset, long disk) {
        static Zip64 from(ByteBuffer b, int start, int length, boolean needUsize, boolean needCsize,
                boolean needOffset, boolean needDisk, String name) throws FlashgateException {
            Extra field = extra(b, start, length, EXTRA_ZIP64, name);
            if (field != null) {
                int p = field.data();
                long u = -1;
                long c = -1;
                long o = -1;
                long d = -1;
                if (needUsize) { u = take(b, p, field.end(), name); p += 8; }
                if (needCsize) { c = take(b, p, field.end(), name); p += 8; }
                if (needOffset) { o = take(b, p, field.end(), name); p += 8; }
                if (needDisk) {
                    if (p + 4 > field.end()) {
                        throw new FlashgateException(PKG_NOT_ZIP, name + ": ZIP64 field too short");
                    }
                    d = u32(b, p);
                }
                return new Zip64(true, u, c, o, d);
            }
            if (needUsize || needCsize || needOffset || needDisk) {
                throw new FlashgateException(PKG_NOT_ZIP, name + ": ZIP64 sizes announced but missing");
            }
            return new Zip64(false, -1, -1, -1, -1);
        }

        private static long take(ByteBuffer b, int p, int limit, String name) throws FlashgateException {
            if (p + 8 > limit) {
                throw new FlashgateException(PKG_NOT_ZIP, name + ": ZIP64 field too short");
            }
            long v = b.getLong(p);
            if (v < 0) {
                throw new FlashgateException(PKG_TOO_LARGE, name + ": size beyond 2^63");
            }
            return v;
        }

        long usize(long fallback) { return usize >= 0 ? usize : fallback; }
        long csize(long fallback) { return csize >= 0 ? csize : fallback; }
        long offset(long fallback) { return offset >= 0 ? offset : fallback; }
        long disk(long fallback) { return disk >= 0 ? disk : fallback; }
    }
}
