package dev.flashgate.repository.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.repository.Role;

/**
 * The metadata files a station has verified for one repository, one per role
 * ({@code <role>.json}), each replaced atomically so a crash leaves the old or the new file, never a torn one.
 */
final class TrustedMetadata {
    private final Path folder;

    TrustedMetadata(Path folder) {
        this.folder = folder;
    }

    Optional<byte[]> read(Role role) throws FlashgateException {
        try {
            return Optional.of(Files.readAllBytes(file(role)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.HOST_IO, "cannot read " + file(role) + ": " + e.getMessage(), e);
        }
    }

    void write(Role role, byte[] content) throws FlashgateException {
        AtomicWrite.write(file(role), content);
    }

    void delete(Role role) throws FlashgateException {
        try {
            Files.deleteIfExists(file(role));
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.HOST_IO, "cannot delete " + file(role) + ": " + e.getMessage(), e);
        }
    }

    private Path file(Role role) {
        return folder.resolve(role.id() + ".json");
    }
}
