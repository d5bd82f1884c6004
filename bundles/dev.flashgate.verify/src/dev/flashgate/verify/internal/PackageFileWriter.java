package dev.flashgate.verify.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;

/**
 * Writes a package ZIP into a temporary file beside the target and moves it into place only
 * when complete, so a failure or a crash never leaves a partial package behind.
 */
final class PackageFileWriter implements AutoCloseable {

    private static final long FIXED_TIME = 315_532_800_000L; // 1980-01-01, so output is reproducible

    private final Path target;
    private final Path temp;
    private final ZipOutputStream zip;
    private boolean committed;

    PackageFileWriter(Path target) throws FlashgateException {
        this.target = target.toAbsolutePath();
        try {
            Path dir = this.target.getParent();
            Files.createDirectories(dir);
            this.temp = Files.createTempFile(dir, "." + this.target.getFileName(), ".part",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
            this.zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16));
        } catch (IOException e) {
            throw hostError(e);
        }
    }

    void addBytes(String name, byte[] data, boolean deflate) throws FlashgateException {
        CRC32 crc = new CRC32();
        crc.update(data);
        try {
            zip.putNextEntry(entry(name, data.length, crc.getValue(), deflate));
            zip.write(data);
            zip.closeEntry();
        } catch (IOException e) {
            throw hostError(e);
        }
    }

    void addFile(String name, Path file, long size, long crc, boolean deflate) throws FlashgateException {
        try {
            zip.putNextEntry(entry(name, size, crc, deflate));
            long copied = Files.copy(file, zip);
            if (copied != size) {
                throw new FlashgateException(ErrorCode.USAGE, file + " changed while it was being packed");
            }
            zip.closeEntry();
        } catch (IOException e) {
            throw hostError(e);
        }
    }

    /** Copies an entry of another package, keeping its compression. */
    void copyEntry(ZipArchive source, ZipEntryRecord e) throws IOException, FlashgateException {
        zip.putNextEntry(entry(e.name(), e.size(), e.crc(), e.method() == ZipEntryRecord.DEFLATED));
        OutputStream out = zip;
        byte[] buffer = new byte[1 << 16];
        EntryReader reader = source.reader(e);
        reader.check(reader.stream(chunk -> {
            try {
                while (chunk.hasRemaining()) {
                    int n = Math.min(buffer.length, chunk.remaining());
                    chunk.get(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
            } catch (IOException io) {
                throw hostError(io);
            }
        }));
        zip.closeEntry();
    }

    void commit() throws FlashgateException {
        try {
            zip.finish();
            zip.close();
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            committed = true;
        } catch (IOException e) {
            throw hostError(e);
        }
    }

    @Override
    public void close() {
        if (!committed) {
            try {
                zip.close();
            } catch (IOException ignored) {
                // the temporary file is deleted below either way
            }
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // nothing more can be done; the name marks it as a leftover part file
            }
        }
    }

    private static ZipEntry entry(String name, long size, long crc, boolean deflate) {
        ZipEntry e = new ZipEntry(name);
        e.setTime(FIXED_TIME);
        if (deflate) {
            e.setMethod(ZipEntry.DEFLATED);
        } else {
            e.setMethod(ZipEntry.STORED);
            e.setSize(size);
            e.setCompressedSize(size);
            e.setCrc(crc);
        }
        return e;
    }

    static FlashgateException hostError(IOException e) {
        String message = String.valueOf(e.getMessage());
        boolean full = message.contains("No space left");
        return new FlashgateException(full ? ErrorCode.HOST_DISK_FULL : ErrorCode.USAGE,
                (full ? "disk full while writing the package: " : "cannot write the package: ") + message, e);
    }
}
