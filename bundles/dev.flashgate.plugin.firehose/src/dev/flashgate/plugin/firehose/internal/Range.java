package dev.flashgate.plugin.firehose.internal;

/** Sectors of flash: {@code sectors} of {@code sectorSize} bytes from {@code start}. */
record Range(long start, long sectors, int sectorSize) {

    long bytes() {
        return sectors * sectorSize;
    }
}
