package dev.flashgate.repository.internal;

import java.io.FileNotFoundException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.repository.Role;

/**
 * The TUF client workflow (specification 1.0, section 5) for one repository: rotate the root
 * through every newer root version, each signed by the old and the new keys; then timestamp,
 * snapshot and targets, each checked against the role above it (version, length, hash) and
 * against what was trusted before (versions never go back), each within its expiry. Only a
 * complete, consistent state replaces the trusted one; roots are kept as soon as they verify.
 */
final class TufClient {

    /** The verified state of a repository. */
    record State(RootMetadata root, TimestampMetadata timestamp, SnapshotMetadata snapshot, TargetsMetadata targets) {

        Instant expires() {
            Instant earliest = root.expires();
            for (Instant other : new Instant[] {timestamp.expires(), snapshot.expires(), targets.expires()}) {
                earliest = other.isBefore(earliest) ? other : earliest;
            }
            return earliest;
        }
    }

    private final TrustedMetadata trusted;
    private final Limits limits;
    private final Clock clock;

    TufClient(TrustedMetadata trusted, Limits limits, Clock clock) {
        this.trusted = trusted;
        this.limits = limits;
        this.clock = clock;
    }

    /** Pins {@code rootFile} as the first trusted root: it must be signed by its own threshold. */
    void pin(byte[] rootFile) throws FlashgateException {
        Signed signed = parse(rootFile, Role.ROOT);
        RootMetadata root = read(RootMetadata::of, signed);
        signatures(signed, root);
        trusted.write(Role.ROOT, rootFile);
    }

    /** Brings the trusted state up to the repository's, or throws and leaves what was trusted before. */
    State update(Source source) throws FlashgateException {
        Download download = new Download(source, limits);
        RootMetadata root = updateRoot(download);
        Instant now = clock.instant();
        expiry(Role.ROOT, root.version(), root.expires(), now);

        TimestampMetadata oldTimestamp = trustedTimestamp(root);
        SnapshotMetadata oldSnapshot = trustedSnapshot(root);
        TargetsMetadata oldTargets = trustedTargets(root);

        byte[] timestampFile = fetch(download, "metadata/timestamp.json", limits.maxTimestamp(), 0, Role.TIMESTAMP);
        Signed timestampSigned = parse(timestampFile, Role.TIMESTAMP);
        signatures(timestampSigned, root);
        TimestampMetadata timestamp = read(TimestampMetadata::of, timestampSigned);
        if (oldTimestamp != null) {
            notBack(Role.TIMESTAMP, oldTimestamp.version(), timestamp.version());
            if (timestamp.snapshot().version() < oldTimestamp.snapshot().version()) {
                throw rollback("timestamp version " + timestamp.version() + " names snapshot version "
                        + timestamp.snapshot().version() + ", older than the trusted " + oldTimestamp.snapshot().version());
            }
        }
        expiry(Role.TIMESTAMP, timestamp.version(), timestamp.expires(), now);

        MetaFile snapshotMeta = timestamp.snapshot();
        byte[] snapshotFile = fetch(download, "metadata/" + versioned(root, snapshotMeta.version(), Role.SNAPSHOT),
                limits.maxSnapshot(), snapshotMeta.length(), Role.SNAPSHOT);
        hash(Role.SNAPSHOT, snapshotMeta, snapshotFile);
        Signed snapshotSigned = parse(snapshotFile, Role.SNAPSHOT);
        signatures(snapshotSigned, root);
        SnapshotMetadata snapshot = read(SnapshotMetadata::of, snapshotSigned);
        if (snapshot.version() != snapshotMeta.version()) {
            throw inconsistent("the timestamp names snapshot version " + snapshotMeta.version() + " but version "
                    + snapshot.version() + " was served");
        }
        if (oldSnapshot != null) {
            notBack(Role.SNAPSHOT, oldSnapshot.version(), snapshot.version());
            if (snapshot.targets().version() < oldSnapshot.targets().version()) {
                throw rollback("snapshot version " + snapshot.version() + " names targets version "
                        + snapshot.targets().version() + ", older than the trusted " + oldSnapshot.targets().version());
            }
        }
        expiry(Role.SNAPSHOT, snapshot.version(), snapshot.expires(), now);

        MetaFile targetsMeta = snapshot.targets();
        byte[] targetsFile = fetch(download, "metadata/" + versioned(root, targetsMeta.version(), Role.TARGETS),
                limits.maxTargets(), targetsMeta.length(), Role.TARGETS);
        hash(Role.TARGETS, targetsMeta, targetsFile);
        Signed targetsSigned = parse(targetsFile, Role.TARGETS);
        signatures(targetsSigned, root);
        TargetsMetadata targets = read(TargetsMetadata::of, targetsSigned);
        if (targets.version() != targetsMeta.version()) {
            throw inconsistent("the snapshot names targets version " + targetsMeta.version() + " but version "
                    + targets.version() + " was served");
        }
        if (oldTargets != null) {
            notBack(Role.TARGETS, oldTargets.version(), targets.version());
        }
        expiry(Role.TARGETS, targets.version(), targets.expires(), now);

        // the timestamp last: a state is trusted once its timestamp names its snapshot
        trusted.write(Role.TARGETS, targetsFile);
        trusted.write(Role.SNAPSHOT, snapshotFile);
        trusted.write(Role.TIMESTAMP, timestampFile);
        return new State(root, timestamp, snapshot, targets);
    }

    /** The trusted state as last updated, if it is complete, consistent and unexpired. */
    State current() throws FlashgateException {
        RootMetadata root = trustedRoot();
        TimestampMetadata timestamp = trustedTimestamp(root);
        SnapshotMetadata snapshot = trustedSnapshot(root);
        TargetsMetadata targets = trustedTargets(root);
        if (timestamp == null || snapshot == null || targets == null) {
            throw new FlashgateException(ErrorCode.REPO_TARGET_UNKNOWN,
                    "the repository was never updated on this station: nothing of it is trusted yet");
        }
        if (timestamp.snapshot().version() != snapshot.version() || snapshot.targets().version() != targets.version()) {
            throw inconsistent("the last update stopped half-way (timestamp names snapshot " + timestamp.snapshot().version()
                    + ", trusted is " + snapshot.version() + "); update again");
        }
        Instant now = clock.instant();
        expiry(Role.ROOT, root.version(), root.expires(), now);
        expiry(Role.TIMESTAMP, timestamp.version(), timestamp.expires(), now);
        expiry(Role.SNAPSHOT, snapshot.version(), snapshot.expires(), now);
        expiry(Role.TARGETS, targets.version(), targets.expires(), now);
        return new State(root, timestamp, snapshot, targets);
    }

    /** The trusted root, without the expiry check ({@link #current} and {@link #update} make it). */
    RootMetadata trustedRoot() throws FlashgateException {
        byte[] file = trusted.read(Role.ROOT).orElseThrow(() -> new FlashgateException(ErrorCode.REPO_METADATA_INVALID,
                "no pinned root metadata: add the repository again with the vendor's root.json"));
        return read(RootMetadata::of, parse(file, Role.ROOT));
    }

    /** Section 5.3: every newer root must be signed by the threshold of the previous root and of itself. */
    private RootMetadata updateRoot(Download download) throws FlashgateException {
        RootMetadata root = trustedRoot();
        for (int i = 0; i < limits.maxRootRotations(); i++) {
            long next = root.version() + 1;
            byte[] file;
            try {
                file = download.metadata("metadata/" + next + ".root.json", limits.maxRoot(), 0);
            } catch (FileNotFoundException e) {
                return root;
            }
            Signed signed = parse(file, Role.ROOT);
            signatures(signed, root);
            RootMetadata newer = read(RootMetadata::of, signed);
            signatures(signed, newer);
            if (newer.version() != next) {
                throw rollback(next + ".root.json holds root version " + newer.version());
            }
            if (!newer.roles().get(Role.TIMESTAMP).equals(root.roles().get(Role.TIMESTAMP))) {
                trusted.delete(Role.TIMESTAMP); // fast-forward recovery: the old timestamp's version means nothing now
            }
            if (!newer.roles().get(Role.SNAPSHOT).equals(root.roles().get(Role.SNAPSHOT))) {
                trusted.delete(Role.SNAPSHOT);
            }
            if (!newer.roles().get(Role.TARGETS).equals(root.roles().get(Role.TARGETS))) {
                trusted.delete(Role.TARGETS);
            }
            trusted.write(Role.ROOT, file);
            root = newer;
        }
        return root;
    }

    private TimestampMetadata trustedTimestamp(RootMetadata root) throws FlashgateException {
        Optional<byte[]> file = trusted.read(Role.TIMESTAMP);
        return file.isEmpty() ? null : read(TimestampMetadata::of, trustedFile(file.get(), Role.TIMESTAMP, root));
    }

    private SnapshotMetadata trustedSnapshot(RootMetadata root) throws FlashgateException {
        Optional<byte[]> file = trusted.read(Role.SNAPSHOT);
        return file.isEmpty() ? null : read(SnapshotMetadata::of, trustedFile(file.get(), Role.SNAPSHOT, root));
    }

    private TargetsMetadata trustedTargets(RootMetadata root) throws FlashgateException {
        Optional<byte[]> file = trusted.read(Role.TARGETS);
        return file.isEmpty() ? null : read(TargetsMetadata::of, trustedFile(file.get(), Role.TARGETS, root));
    }

    /** Cached files are checked again against the current root: a root rotation may have revoked their keys. */
    private Signed trustedFile(byte[] file, Role role, RootMetadata root) throws FlashgateException {
        Signed signed = parse(file, role);
        signatures(signed, root);
        return signed;
    }

    private static String versioned(RootMetadata root, long version, Role role) {
        return root.consistentSnapshot() ? version + "." + role.id() + ".json" : role.id() + ".json";
    }

    private static byte[] fetch(Download download, String path, long max, long exact, Role role) throws FlashgateException {
        try {
            return download.metadata(path, max, exact);
        } catch (FileNotFoundException e) {
            throw new FlashgateException(role == Role.TIMESTAMP ? ErrorCode.REPO_UNREACHABLE : ErrorCode.REPO_INCONSISTENT,
                    path + " is not in the repository");
        }
    }

    private static void hash(Role role, MetaFile meta, byte[] file) throws FlashgateException {
        if (meta.sha256() == null) {
            return;
        }
        if (!Sha256.of(file).equals(meta.sha256())) {
            throw inconsistent(role.id() + " version " + meta.version() + " does not have the SHA-256 signed for it");
        }
    }

    private static void notBack(Role role, long trustedVersion, long version) throws FlashgateException {
        if (version < trustedVersion) {
            throw rollback(role.id() + " version " + version + " is older than the trusted version " + trustedVersion);
        }
    }

    private static void expiry(Role role, long version, Instant expires, Instant now) throws FlashgateException {
        if (!now.isBefore(expires)) {
            throw new FlashgateException(ErrorCode.REPO_EXPIRED, role.id() + " version " + version + " expired " + expires);
        }
    }

    private static FlashgateException rollback(String detail) {
        return new FlashgateException(ErrorCode.REPO_ROLLBACK, detail);
    }

    private static FlashgateException inconsistent(String detail) {
        return new FlashgateException(ErrorCode.REPO_INCONSISTENT, detail);
    }

    private static Signed parse(byte[] file, Role role) throws FlashgateException {
        try {
            return Signed.parse(file, role);
        } catch (MetadataException e) {
            throw new FlashgateException(ErrorCode.REPO_METADATA_INVALID, e.getMessage());
        }
    }

    private static void signatures(Signed signed, RootMetadata root) throws FlashgateException {
        try {
            signed.checkSignatures(root);
        } catch (ThresholdException e) {
            throw new FlashgateException(ErrorCode.REPO_SIGNATURE, e.getMessage());
        }
    }

    /** A role's reading of a parsed file. */
    private interface Reader<T> {
        T of(Signed signed) throws MetadataException;
    }

    private static <T> T read(Reader<T> reader, Signed signed) throws FlashgateException {
        try {
            return reader.of(signed);
        } catch (MetadataException e) {
            throw new FlashgateException(ErrorCode.REPO_METADATA_INVALID, e.getMessage());
        }
    }
}
