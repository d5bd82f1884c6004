package dev.flashgate.verify.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;

/** Trust and certificate files are read with a bound: a device, a FIFO or a huge file is refused at once. */
class TrustFileTest {

    @TempDir
    Path dir;

    private static void assertRefused(Path file) {
        FlashgateException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(FlashgateException.class, () -> PemCertificates.read(file)), file + " blocked or spun");
        assertEquals(ErrorCode.USAGE, e.code(), e.getMessage());
    }

    @Test
    void devicesFifosFoldersAndHugeFilesAreRefusedWithoutBeingReadToTheEnd() throws Exception {
        assertRefused(Path.of("/dev/zero"));
        assertRefused(dir);
        assertRefused(dir.resolve("missing.pem"));
        Path fifo = dir.resolve("anchors.fifo");
        if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0) {
            assertRefused(fifo);
        }
        Path huge = dir.resolve("huge.pem");
        Files.write(huge, new byte[PemCertificates.MAX_BYTES + 1]);
        assertRefused(huge);
    }

    @Test
    void aRealAnchorFileIsStillRead() throws Exception {
        Fixtures fx = new Fixtures();
        Path pem = Files.writeString(dir.resolve("ca.pem"), PemCertificates.toPem(java.util.List.of(fx.ca.certificate())));
        assertEquals(fx.ca.certificate(), PemCertificates.read(pem).get(0));
    }
}
