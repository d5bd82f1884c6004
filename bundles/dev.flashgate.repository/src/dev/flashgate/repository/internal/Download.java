package dev.flashgate.repository.internal;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.ProgressListener;

/**
 * Bounded downloads: never more than the signed (or maximum) length, never slower than the limits
 * allow, hashed while streaming; a package lands in its final place only whole and checked.
 */
final class Download {
    private static final int BUFFER = 64 * 1024;

    private final Source source;
    private final Limits limits;

    Download(Source source, Limits limits) {
        this.source = source;
        this.limits = limits;
    }

    /**
     * A metadata file of at most {@code max} bytes ({@code exact} when the role above signed its length,
     * else 0); empty when the source does not have it.
     */
    byte[] metadata(String path, long max, long exact) throws FlashgateException, FileNotFoundException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            copy(path, exact > 0 ? exact : max, exact > 0, out, null, null);
        } catch (FileNotFoundException e) {
            throw e;
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.REPO_DOWNLOAD_TRUNCATED, path + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** Downloads a package of exactly {@code length} bytes with SHA-256 {@code sha256} to {@code destination}. */
    void target(String path, long length, String sha256, Path destination, ProgressListener progress) throws FlashgateException {
        Path partial = null;
        try {
            Files.createDirectories(destination.getParent());
            partial = Files.createTempFile(destination.getParent(), ".download-", ".part");
            MessageDigest digest = Sha256.digest();
            try (OutputStream out = Files.newOutputStream(partial)) {
                copy(path, length, true, out, digest, progress);
            } catch (FileNotFoundException e) {
                throw new FlashgateException(ErrorCode.REPO_INCONSISTENT,
                        source.describe() + " lists " + path + " in its signed targets but does not have it");
            }
            String actual = Sha256.hex(digest);
            if (!actual.equals(sha256)) {
                throw new FlashgateException(ErrorCode.REPO_TARGET_MISMATCH,
                        path + " has SHA-256 " + actual + ", the repository signed for " + sha256);
            }
            Files.move(partial, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            partial = null;
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.HOST_IO, "cannot store " + destination + ": " + e.getMessage(), e);
        } finally {
            if (partial != null) {
                try {
                    Files.deleteIfExists(partial);
                } catch (IOException ignored) {
                    // a stray .part file is ignored by every reader and replaced by the next download
                }
            }
        }
    }

    private void copy(String path, long limit, boolean exact, OutputStream out, MessageDigest digest,
            ProgressListener progress) throws FlashgateException, IOException {
        long started = System.nanoTime();
        long done = 0;
        try (InputStream in = open(path)) {
            byte[] buffer = new byte[BUFFER];
            while (true) {
                int n;
                try {
                    n = in.read(buffer, 0, (int) Math.min(buffer.length, limit + 1 - done));
                } catch (SocketTimeoutException e) {
                    throw new FlashgateException(ErrorCode.REPO_DOWNLOAD_STALLED, path + ": nothing arrived for "
                            + limits.stallTimeout().toSeconds() + " s after " + done + " bytes");
                } catch (IOException e) {
                    throw new FlashgateException(ErrorCode.REPO_DOWNLOAD_TRUNCATED,
                            path + ": the connection broke after " + done + " bytes (" + e.getMessage() + ")");
                }
                if (n < 0) {
                    break;
                }
                done += n;
                if (done > limit) {
                    throw new FlashgateException(ErrorCode.REPO_DOWNLOAD_TOO_LONG,
                            path + " is longer than the " + limit + " bytes " + (exact ? "signed for" : "allowed"));
                }
                out.write(buffer, 0, n);
                if (digest != null) {
                    digest.update(buffer, 0, n);
                }
                if (progress != null) {
                    progress.progress(done, limit);
                }
                checkRate(path, done, started, exact ? limit : 0);
            }
        }
        if (exact && done < limit) {
            throw new FlashgateException(ErrorCode.REPO_DOWNLOAD_TRUNCATED,
                    path + " ended after " + done + " of the " + limit + " bytes signed for");
        }
    }

    private InputStream open(String path) throws FlashgateException, FileNotFoundException {
        try {
            return source.open(path);
        } catch (FileNotFoundException e) {
            throw e;
        } catch (SocketTimeoutException e) {
            throw new FlashgateException(ErrorCode.REPO_DOWNLOAD_STALLED, path + ": no answer from " + source.describe()
                    + " within " + limits.stallTimeout().toSeconds() + " s");
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.REPO_UNREACHABLE, source.describe() + ": " + e.getMessage(), e);
        }
    }

    /** Past the grace period, the average rate must stay above the minimum (unless the file is nearly done). */
    private void checkRate(String path, long done, long started, long total) throws FlashgateException {
        long elapsedNanos = System.nanoTime() - started;
        if (elapsedNanos < limits.grace().toNanos()) {
            return;
        }
        double rate = done / (elapsedNanos / 1e9);
        if (rate < limits.minBytesPerSecond()) {
            throw new FlashgateException(ErrorCode.REPO_DOWNLOAD_STALLED, String.format(
                    "%s: %.0f bytes/s on average after %d of %s bytes, below the %d bytes/s a download must keep",
                    path, rate, done, total > 0 ? Long.toString(total) : "?", limits.minBytesPerSecond()));
        }
    }

}
