package dev.flashgate.repository.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;


import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.repository.Role;

/**
 * A repository folder as the tool writes it, with consistent snapshots: {@code metadata/N.root.json}
 * (and {@code root.json}, the newest), {@code metadata/N.targets.json}, {@code metadata/N.snapshot.json},
 * {@code metadata/timestamp.json} and {@code targets/<sha256>.<name>}. Files are written whole
 * (temporary file, then rename) and the timestamp last, so a client reading while the tool publishes
 * sees the old state or the new one.
 */
final class PublishedRepository {

    /** The newest state of a repository folder, each role with its file's signatures. */
    record Current(RootMetadata root, Signed rootFile, TargetsMetadata targets, Signed targetsFile,
            SnapshotMetadata snapshot, Signed snapshotFile, TimestampMetadata timestamp, Signed timestampFile) {
    }

    private final Path top;

    PublishedRepository(Path top) {
        this.top = top;
    }

    boolean exists() {
        return Files.exists(metadata("root.json"));
    }

    Current read() throws FlashgateException {
        try {
            Signed rootFile = Signed.parse(bytes(metadata("root.json")), Role.ROOT);
            Signed timestampFile = Signed.parse(bytes(metadata("timestamp.json")), Role.TIMESTAMP);
            TimestampMetadata timestamp = TimestampMetadata.of(timestampFile);
            Signed snapshotFile = Signed.parse(bytes(metadata(timestamp.snapshot().version() + ".snapshot.json")), Role.SNAPSHOT);
            SnapshotMetadata snapshot = SnapshotMetadata.of(snapshotFile);
            Signed targetsFile = Signed.parse(bytes(metadata(snapshot.targets().version() + ".targets.json")), Role.TARGETS);
            return new Current(RootMetadata.of(rootFile), rootFile, TargetsMetadata.of(targetsFile), targetsFile, snapshot,
                    snapshotFile, timestamp, timestampFile);
        } catch (MetadataException e) {
            throw new FlashgateException(ErrorCode.REPO_METADATA_INVALID, top + ": " + e.getMessage());
        }
    }

    void writeRoot(RootMetadata root, List<Signed.Signature> earlier, List<SigningKey> signers) throws FlashgateException {
        byte[] file = Signed.write(root.toJson(), earlier, signers);
        AtomicWrite.write(metadata(root.version() + ".root.json"), file);
        AtomicWrite.write(metadata("root.json"), file);
    }

    void writeTargets(TargetsMetadata targets, List<Signed.Signature> earlier, List<SigningKey> signers) throws FlashgateException {
        AtomicWrite.write(metadata(targets.version() + ".targets.json"), Signed.write(targets.toJson(), earlier, signers));
    }

    /** Writes the snapshot and returns what the timestamp must say of it (version, length, hash). */
    MetaFile writeSnapshot(SnapshotMetadata snapshot, List<Signed.Signature> earlier, List<SigningKey> signers)
            throws FlashgateException {
        byte[] file = Signed.write(snapshot.toJson(), earlier, signers);
        AtomicWrite.write(metadata(snapshot.version() + ".snapshot.json"), file);
        return new MetaFile(snapshot.version(), file.length, Sha256.of(file));
    }

    void writeTimestamp(TimestampMetadata timestamp, List<Signed.Signature> earlier, List<SigningKey> signers)
            throws FlashgateException {
        AtomicWrite.write(metadata("timestamp.json"), Signed.write(timestamp.toJson(), earlier, signers));
    }

    /** Where a package with this hash and name lives in the folder. */
    Path target(String sha256, String name) {
        return top.resolve("targets").resolve(sha256 + "." + name);
    }

    private Path metadata(String name) {
        return top.resolve("metadata").resolve(name);
    }

    private byte[] bytes(Path file) throws FlashgateException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new FlashgateException(ErrorCode.USAGE, top + " is not a complete repository: " + file.getFileName() + " is missing");
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.HOST_IO, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
