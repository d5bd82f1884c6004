package dev.flashgate.upgrade.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.upgrade.BackupItem;
import dev.flashgate.upgrade.UpgradeContext;

/**
 * The station's copies of device content that sessions read before writing (a modem's
 * calibration and identity partitions): {@code backups/<IMEI>/<SHA-256>.bin} under the station's
 * home. Content-addressed, so a copy is never overwritten and two sessions that read the same
 * bytes keep one file; written to a temporary file first, so a full disk leaves nothing half there.
 */
final class BackupStore {

    /** What a device whose IMEI is not known is kept under. */
    static final String UNKNOWN = "unknown";

    private final Path root;

    BackupStore(Path home) {
        this.root = home.resolve("backups");
    }

    record Stored(String sha256, long bytes, Path file) {
    }

    Stored store(String imei, UpgradeContext.BackupSource source) throws FlashgateException {
        Path folder = folder(imei);
        Path temp = null;
        try {
            Files.createDirectories(folder);
            temp = Files.createTempFile(folder, ".backup-", ".part");
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), sha)) {
                source.writeTo(out);
            }
            long bytes = Files.size(temp);
            String sha256 = HexFormat.of().formatHex(sha.digest());
            Path kept = folder.resolve(sha256 + ".bin");
            if (Files.exists(kept)) {
                Files.delete(temp); // the same bytes are kept already, and a kept file is never replaced
            } else {
                Files.move(temp, kept, StandardCopyOption.ATOMIC_MOVE);
            }
            temp = null;
            return new Stored(sha256, bytes, kept);
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.HOST_DISK_FULL, "cannot keep a backup in " + folder + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    // the store's own folder: a stray .part file is ignored by everything that reads it
                }
            }
        }
    }

    /** Where the copies of the device with this IMEI are. */
    Path folder(String imei) {
        return root.resolve(imei == null ? UNKNOWN : imei);
    }

    /** Where the copy with this SHA-256 of the device with this IMEI is. */
    Path file(String imei, String sha256) {
        return folder(imei).resolve(sha256 + ".bin");
    }

    /**
     * Whether the store keeps a copy of {@code bytes} bytes with this SHA-256 for this device (the
     * name is the content, so one of that length is it); an unreadable store holds none.
     */
    boolean holds(String imei, String sha256, long bytes) {
        Path kept = file(imei, sha256);
        try {
            return Files.isRegularFile(kept) && Files.size(kept) == bytes;
        } catch (IOException e) {
            return false;
        }
    }

    /** Refuses a copy whose file is gone or does not hold the bytes it was kept with. */
    void check(BackupItem item) throws FlashgateException {
        try (InputStream in = Files.newInputStream(item.file())) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long bytes = new DigestInputStream(in, sha).transferTo(OutputStream.nullOutputStream());
            String actual = HexFormat.of().formatHex(sha.digest());
            if (bytes != item.bytes() || !actual.equals(item.sha256())) {
                throw new FlashgateException(ErrorCode.HOST_IO, item.file() + " does not hold the copy of " + item.name()
                        + " that was kept (" + bytes + " bytes, SHA-256 " + actual + "; kept: " + item.bytes() + " bytes, "
                        + item.sha256() + ")");
            }
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.HOST_IO, "cannot read the copy of " + item.name() + ": " + item.file() + ": "
                    + e.getClass().getSimpleName(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
