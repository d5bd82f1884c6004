package dev.flashgate.repository.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;

/** Replaces a file whole: a temporary file beside it, then an atomic rename; a crash leaves the old or the new. */
final class AtomicWrite {

    private AtomicWrite() {
    }

    static void write(Path file, byte[] content) throws FlashgateException {
        replace(file, temp -> Files.write(temp, content));
    }

    static void copy(Path source, Path file) throws FlashgateException {
        replace(file, temp -> Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING));
    }

    private interface Filler {
        void fill(Path temp) throws IOException;
    }

    private static void replace(Path file, Filler filler) throws FlashgateException {
        Path temp = null;
        try {
            Files.createDirectories(file.getParent());
            temp = Files.createTempFile(file.getParent(), ".write-", ".tmp");
            filler.fill(temp);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.HOST_IO, "cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                temp.toFile().delete();
            }
        }
    }
}
