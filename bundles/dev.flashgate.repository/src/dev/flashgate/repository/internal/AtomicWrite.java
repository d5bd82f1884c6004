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
        Path temp = null;
        try {
            Files.createDirectories(file.getParent());
            temp = Files.createTempFile(file.getParent(), ".write-", ".tmp");
            Files.write(temp, content);
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
