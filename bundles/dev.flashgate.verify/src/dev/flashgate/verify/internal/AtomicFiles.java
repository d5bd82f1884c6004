package dev.flashgate.verify.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Small text files written whole or not at all: a temporary file beside the target, then an atomic move. */
final class AtomicFiles {

    private AtomicFiles() {
    }

    /** Writes {@code text} (ASCII) to {@code target} with the given POSIX permissions, e.g. {@code rw-------}. */
    static void writeString(Path target, String text, String permissions) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".part",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
        try {
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
