package dev.flashgate.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Files a command writes for the user: filled next to the target, then moved into place, so a failure leaves no partial file. */
final class OutputFiles {

    /** Fills a temporary file. */
    interface Filler {
        void fill(Path temp) throws IOException;
    }

    private OutputFiles() {
    }

    static void replace(Path target, Filler filler) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path temp = Files.createTempFile(absolute.getParent(), ".flashgate-", ".part");
        try {
            filler.fill(temp);
            Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
