package dev.flashgate.repository.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.ArtifactResult;
import dev.flashgate.core.pkg.Manifest;
import dev.flashgate.core.pkg.PackageVerifier;
import dev.flashgate.core.pkg.ProgressListener;
import dev.flashgate.core.pkg.TrustAnchors;
import dev.flashgate.core.pkg.Verdict;
import dev.flashgate.core.pkg.VerificationReport;
import dev.flashgate.core.repository.RepositoryPublisher;
import dev.flashgate.core.repository.RepositoryTarget;
import dev.flashgate.core.repository.Role;

/** The vendor's repository tool; see {@link PublishedRepository} for the folder it writes. */
@Component(service = RepositoryPublisher.class)
public final class RepositoryTool implements RepositoryPublisher {

    static final Map<Role, Duration> VALIDITY = Map.of(Role.ROOT, Duration.ofDays(365), Role.TARGETS, Duration.ofDays(90),
            Role.SNAPSHOT, Duration.ofDays(7), Role.TIMESTAMP, Duration.ofDays(1));

    private final PackageVerifier verifier;
    private final Clock clock;

    @Activate
    public RepositoryTool(@Reference PackageVerifier verifier) {
        this(verifier, Clock.systemUTC());
    }

    RepositoryTool(PackageVerifier verifier, Clock clock) {
        this.verifier = verifier;
        this.clock = clock;
    }

    @Override
    public void init(Path repository, Path keys, Map<Role, Integer> thresholds) throws FlashgateException {
        PublishedRepository folder = new PublishedRepository(repository);
        if (folder.exists()) {
            throw new FlashgateException(ErrorCode.USAGE, repository + " is already a repository");
        }
        KeyFolder keyFolder = new KeyFolder(keys);
        Map<String, TufKey> all = new HashMap<>();
        Map<Role, RootMetadata.RoleKeys> roles = new EnumMap<>(Role.class);
        Map<Role, List<SigningKey>> signers = new EnumMap<>(Role.class);
        for (Role role : Role.values()) {
            int count = Math.max(1, thresholds.getOrDefault(role, 1));
            List<SigningKey> made = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                SigningKey key = keyFolder.generate(role);
                made.add(key);
                all.put(key.publicKey().id(), key.publicKey());
            }
            signers.put(role, made);
            roles.put(role, new RootMetadata.RoleKeys(ids(made), count));
        }
        RootMetadata root = new RootMetadata(1, expiry(Role.ROOT, null), Map.copyOf(all), roles, true);
        folder.writeRoot(root, List.of(), signers.get(Role.ROOT));
        publish(folder, new TargetsMetadata(1, expiry(Role.TARGETS, null), Map.of()), signers, null, null, null);
    }

    @Override
    public List<RepositoryTarget> add(Path repository, Path keys, List<Path> packages, TrustAnchors anchors)
            throws FlashgateException {
        PublishedRepository folder = new PublishedRepository(repository);
        PublishedRepository.Current current = folder.read();
        Map<Role, List<SigningKey>> signers = signers(new KeyFolder(keys), current.root(),
                Set.of(Role.TARGETS, Role.SNAPSHOT, Role.TIMESTAMP));
        Map<String, RepositoryTarget> targets = new TreeMap<>(current.targets().targets());
        List<RepositoryTarget> added = new ArrayList<>();
        for (Path pkg : packages) {
            RepositoryTarget target = describe(pkg, anchors);
            Path stored = folder.target(target.sha256(), target.name());
            copy(pkg, stored);
            targets.put(target.name(), target);
            added.add(target);
        }
        publish(folder, new TargetsMetadata(current.targets().version() + 1, expiry(Role.TARGETS, null), targets), signers,
                current, null, null);
        return added;
    }

    @Override
    public void sign(Path repository, Path keys, Set<Role> roles, boolean coSign, Duration validity) throws FlashgateException {
        PublishedRepository folder = new PublishedRepository(repository);
        PublishedRepository.Current current = folder.read();
        KeyFolder keyFolder = new KeyFolder(keys);
        if (coSign) {
            coSign(folder, current, keyFolder, roles);
            return;
        }
        RootMetadata root = current.root();
        if (roles.contains(Role.ROOT)) {
            List<SigningKey> rootKeys = signers(keyFolder, root, Set.of(Role.ROOT)).get(Role.ROOT);
            root = new RootMetadata(root.version() + 1, expiry(Role.ROOT, validity), root.keys(), root.roles(),
                    root.consistentSnapshot());
            folder.writeRoot(root, List.of(), rootKeys);
        }
        Duration snapshotValidity = roles.contains(Role.SNAPSHOT) ? validity : null;
        Duration timestampValidity = roles.contains(Role.TIMESTAMP) ? validity : null;
        if (roles.contains(Role.TARGETS)) {
            Map<Role, List<SigningKey>> signers = signers(keyFolder, root, Set.of(Role.TARGETS, Role.SNAPSHOT, Role.TIMESTAMP));
            publish(folder, new TargetsMetadata(current.targets().version() + 1, expiry(Role.TARGETS, validity),
                    current.targets().targets()), signers, current, snapshotValidity, timestampValidity);
        } else if (roles.contains(Role.SNAPSHOT)) {
            Map<Role, List<SigningKey>> signers = signers(keyFolder, root, Set.of(Role.SNAPSHOT, Role.TIMESTAMP));
            MetaFile written = folder.writeSnapshot(new SnapshotMetadata(current.snapshot().version() + 1,
                    expiry(Role.SNAPSHOT, validity), current.snapshot().targets()), List.of(), signers.get(Role.SNAPSHOT));
            timestamp(folder, current, written, signers.get(Role.TIMESTAMP), timestampValidity);
        } else if (roles.contains(Role.TIMESTAMP)) {
            timestamp(folder, current, current.timestamp().snapshot(),
                    signers(keyFolder, root, Set.of(Role.TIMESTAMP)).get(Role.TIMESTAMP), validity);
        }
    }

    /**
     * Adds signatures to the current files. Only a new snapshot changes what another role signed
     * (the timestamp holds its hash), so co-signing it also signs a new timestamp.
     */
    private void coSign(PublishedRepository folder, PublishedRepository.Current current, KeyFolder keyFolder,
            Set<Role> roles) throws FlashgateException {
        RootMetadata root = current.root();
        for (Role role : Role.values()) {
            if (!roles.contains(role)) {
                continue;
            }
            List<SigningKey> keys = signers(keyFolder, root, Set.of(role)).get(role);
            switch (role) {
                case ROOT -> folder.writeRoot(root, current.rootFile().signatures(), keys);
                case TARGETS -> folder.writeTargets(current.targets(), current.targetsFile().signatures(), keys);
                case SNAPSHOT -> {
                    MetaFile written = folder.writeSnapshot(current.snapshot(), current.snapshotFile().signatures(), keys);
                    timestamp(folder, current, written, signers(keyFolder, root, Set.of(Role.TIMESTAMP)).get(Role.TIMESTAMP),
                            null);
                }
                case TIMESTAMP -> folder.writeTimestamp(current.timestamp(), current.timestampFile().signatures(), keys);
            }
        }
    }

    @Override
    public void rotate(Path repository, Path keys, Role role) throws FlashgateException {
        PublishedRepository folder = new PublishedRepository(repository);
        PublishedRepository.Current current = folder.read();
        KeyFolder keyFolder = new KeyFolder(keys);
        RootMetadata old = current.root();
        List<SigningKey> oldRootKeys = signers(keyFolder, old, Set.of(Role.ROOT)).get(Role.ROOT);
        SigningKey fresh = keyFolder.generate(role);
        Map<Role, RootMetadata.RoleKeys> roles = new EnumMap<>(old.roles());
        roles.put(role, new RootMetadata.RoleKeys(Set.of(fresh.publicKey().id()), 1));
        Map<String, TufKey> keysInUse = new HashMap<>();
        keysInUse.put(fresh.publicKey().id(), fresh.publicKey());
        roles.values().forEach(entry -> entry.keyIds().forEach(id -> {
            if (old.keys().containsKey(id)) {
                keysInUse.put(id, old.keys().get(id));
            }
        }));
        RootMetadata root = new RootMetadata(old.version() + 1, expiry(Role.ROOT, null), Map.copyOf(keysInUse), roles,
                old.consistentSnapshot());
        List<SigningKey> rootSigners = new ArrayList<>(oldRootKeys);
        if (role == Role.ROOT) {
            rootSigners.add(fresh);
        }
        folder.writeRoot(root, List.of(), rootSigners);
        if (role != Role.ROOT) {
            sign(repository, keys, Set.of(role), false, null);
        }
    }

    @Override
    public Server serve(Path repository, InetSocketAddress address) throws FlashgateException {
        if (!new PublishedRepository(repository).exists()) {
            throw new FlashgateException(ErrorCode.USAGE, repository + " is not a repository (no metadata/root.json)");
        }
        return StaticServer.start(repository, address);
    }

    /** Signs new targets, then snapshot, then timestamp (last, so clients see the new state whole). */
    private void publish(PublishedRepository folder, TargetsMetadata targets, Map<Role, List<SigningKey>> signers,
            PublishedRepository.Current current, Duration snapshotValidity, Duration timestampValidity)
            throws FlashgateException {
        folder.writeTargets(targets, List.of(), signers.get(Role.TARGETS));
        long snapshotVersion = current == null ? 1 : current.snapshot().version() + 1;
        MetaFile written = folder.writeSnapshot(new SnapshotMetadata(snapshotVersion, expiry(Role.SNAPSHOT, snapshotValidity),
                new MetaFile(targets.version(), 0, null)), List.of(), signers.get(Role.SNAPSHOT));
        timestamp(folder, current, written, signers.get(Role.TIMESTAMP), timestampValidity);
    }

    private void timestamp(PublishedRepository folder, PublishedRepository.Current current, MetaFile snapshot,
            List<SigningKey> signers, Duration validity) throws FlashgateException {
        long version = current == null ? 1 : current.timestamp().version() + 1;
        folder.writeTimestamp(new TimestampMetadata(version, expiry(Role.TIMESTAMP, validity), snapshot), List.of(), signers);
    }

    /** Checks a package and reads what the targets metadata says of it. */
    private RepositoryTarget describe(Path pkg, TrustAnchors anchors) throws FlashgateException {
        String name = pkg.getFileName().toString();
        if (!TargetsMetadata.validName(name)) {
            throw new FlashgateException(ErrorCode.USAGE, "'" + name + "' cannot be a target name: use letters, digits, '.', "
                    + "'_', '+' and '-'");
        }
        TrustAnchors checkedAgainst = anchors != null ? anchors : new TrustAnchors(List.of(), "no anchors");
        VerificationReport report = verifier.inspect(pkg, checkedAgainst, ProgressListener.NONE);
        if (report.verdict() instanceof Verdict.Rejected rejected) {
            // without anchors a sound signature by anyone is enough here: the station checks it against its own
            if (anchors != null || rejected.code() != ErrorCode.SIG_UNTRUSTED || report.manifest() == null) {
                throw new FlashgateException(rejected.code(), pkg + ": " + rejected.detail());
            }
            for (ArtifactResult artifact : report.artifacts()) {
                ErrorCode broken = switch (artifact.status()) {
                    case MATCH -> null;
                    case HASH_MISMATCH -> ErrorCode.HASH_MISMATCH;
                    case SIZE_MISMATCH -> ErrorCode.SIZE_MISMATCH;
                    case MISSING -> ErrorCode.PKG_MISSING_ENTRY;
                    case NOT_CHECKED -> rejected.code();
                };
                if (broken != null) {
                    throw new FlashgateException(broken, pkg + ": " + artifact.artifact().path());
                }
            }
        }
        Manifest manifest = report.manifest();
        try {
            return new RepositoryTarget(name, Files.size(pkg), Sha256.of(pkg), manifest.vendor(), manifest.version(),
                    manifest.versionCode(), manifest.target().plugin(), manifest.target().models());
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.USAGE, "cannot read " + pkg + ": " + e.getMessage(), e);
        }
    }

    private static void copy(Path pkg, Path stored) throws FlashgateException {
        if (!Files.exists(stored)) { // named by its hash: if it is there, the same bytes are
            AtomicWrite.copy(pkg, stored);
        }
    }

    private static Map<Role, List<SigningKey>> signers(KeyFolder keys, RootMetadata root, Set<Role> roles)
            throws FlashgateException {
        Map<Role, List<SigningKey>> signers = new EnumMap<>(Role.class);
        for (Role role : roles) {
            List<SigningKey> found = keys.load(role, root);
            if (found.isEmpty()) {
                throw new FlashgateException(ErrorCode.USAGE, "the key folder holds none of the " + role.id()
                        + " keys root version " + root.version() + " names");
            }
            signers.put(role, found);
        }
        return signers;
    }

    private Instant expiry(Role role, Duration validity) {
        return clock.instant().plus(validity != null ? validity : VALIDITY.get(role));
    }

    private static Set<String> ids(List<SigningKey> keys) {
        Set<String> ids = new LinkedHashSet<>();
        keys.forEach(key -> ids.add(key.publicKey().id()));
        return Set.copyOf(ids);
    }
}
