package dev.flashgate.verify.internal;

import dev.flashgate.core.pkg.EntryInfo;

/**
 * One entry as the central directory states it, checked against its local header.
 * {@code dataStart} is where the (possibly compressed) bytes begin; {@code recordEnd} is where the
 * entry, including any data descriptor, ends.
 */
public record ZipEntryRecord(String name, byte[] nameBytes, int flags, int method, long crc, long compressedSize,
        long size, long localOffset, long dataStart, long recordEnd, int centralRecordLength) {

    public static final int STORED = 0;
    public static final int DEFLATED = 8;

    public boolean directory() {
        return name.endsWith("/");
    }

    public EntryInfo info() {
        return new EntryInfo(name, directory(), method == DEFLATED, compressedSize, size);
    }
}
