package dev.flashgate.core.pkg;

/** One entry of the package container as its central directory describes it. */
public record EntryInfo(String name, boolean directory, boolean compressed, long compressedSize, long size) {
}
