package dev.flashgate.repository.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.FlashgateHome;
import dev.flashgate.core.pkg.ProgressListener;
import dev.flashgate.core.repository.RepositoryStatus;
import dev.flashgate.core.repository.RepositoryTarget;
import dev.flashgate.core.repository.Role;
import dev.flashgate.core.repository.UpdateRepositories;

/**
 * The station's repositories under {@code <home>/repositories/<name>/}: {@code location} (the URI),
 * {@code metadata/} (the trusted metadata, see {@link TrustedMetadata}) and {@code targets/} (packages
 * fetched, each checked against the signed hash when stored and again when handed out).
 */
@Component(service = UpdateRepositories.class)
public final class StationRepositories implements UpdateRepositories {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private final Path folder;
    private final Limits limits;
    private final Clock clock;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    @Activate
    public StationRepositories(BundleContext context) {
        this(FlashgateHome.resolve(context.getProperty(FlashgateHome.PROPERTY)).resolve("repositories"), Limits.DEFAULT,
                Clock.systemUTC());
    }

    StationRepositories(Path folder, Limits limits, Clock clock) {
        this.folder = folder;
        this.limits = limits;
        this.clock = clock;
    }

    @Override
    public RepositoryStatus add(String name, URI location, Path root) throws FlashgateException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new FlashgateException(ErrorCode.USAGE,
                    "a repository name is lower-case letters, digits, '.', '_' and '-': " + name);
        }
        String scheme = location.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme) && !"file".equals(scheme)) {
            throw new FlashgateException(ErrorCode.USAGE, "a repository location is an http, https or file URI: " + location);
        }
        byte[] rootFile;
        try {
            rootFile = Files.readAllBytes(root);
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.USAGE, "cannot read the root metadata " + root + ": " + e.getMessage(), e);
        }
        synchronized (lock(name)) {
            Path target = folder.resolve(name);
            if (Files.exists(target)) {
                throw new FlashgateException(ErrorCode.REPO_EXISTS, name + " is already set up (" + location(name) + ")");
            }
            Path staging = null;
            try {
                Files.createDirectories(folder);
                staging = Files.createTempDirectory(folder, ".adding-");
                new TufClient(new TrustedMetadata(staging.resolve("metadata")), limits, clock).pin(rootFile);
                Files.writeString(staging.resolve("location"), location.toString(), StandardCharsets.UTF_8);
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                staging = null;
            } catch (IOException e) {
                throw new FlashgateException(ErrorCode.HOST_IO, "cannot set up " + target + ": " + e.getMessage(), e);
            } finally {
                deleteTree(staging);
            }
            return status(name);
        }
    }

    @Override
    public void remove(String name) throws FlashgateException {
        synchronized (lock(name)) {
            Path repository = existing(name);
            Path doomed = folder.resolve(".removing-" + name);
            try {
                Files.move(repository, doomed, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new FlashgateException(ErrorCode.HOST_IO, "cannot remove " + repository + ": " + e.getMessage(), e);
            }
            deleteTree(doomed);
        }
    }

    @Override
    public List<RepositoryStatus> list() {
        List<RepositoryStatus> all = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, entry -> NAME.matcher(entry.getFileName().toString()).matches())) {
            for (Path entry : entries) {
                try {
                    all.add(status(entry.getFileName().toString()));
                } catch (FlashgateException e) {
                    // a repository whose pinned root cannot be read is left out; status(name) says why
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            return List.of();
        }
        all.sort(Comparator.comparing(RepositoryStatus::name));
        return all;
    }

    @Override
    public RepositoryStatus status(String name) throws FlashgateException {
        Path repository = existing(name);
        TufClient client = client(name);
        RootMetadata root = client.trustedRoot();
        try {
            TufClient.State state = client.current();
            Instant updated = Files.getLastModifiedTime(repository.resolve("metadata/timestamp.json")).toInstant();
            return new RepositoryStatus(name, location(name), root.version(), state.targets().version(),
                    state.snapshot().version(), state.timestamp().version(), state.expires(), updated,
                    state.targets().targets().size());
        } catch (FlashgateException | IOException e) {
            // never updated, expired or half-updated: the status says only what the root is
            return new RepositoryStatus(name, location(name), root.version(), 0, 0, 0, root.expires(), null, 0);
        }
    }

    @Override
    public RepositoryStatus update(String name) throws FlashgateException {
        synchronized (lock(name)) {
            client(name).update(Source.of(location(name), limits.stallTimeout()));
        }
        return status(name);
    }

    @Override
    public RepositoryStatus importFrom(String name, Path copy) throws FlashgateException {
        if (!Files.isDirectory(copy.resolve("metadata"))) {
            throw new FlashgateException(ErrorCode.USAGE, copy + " is not a copy of a repository (no metadata folder)");
        }
        synchronized (lock(name)) {
            Source source = Source.folder(copy);
            TufClient.State state = client(name).update(source);
            for (RepositoryTarget target : state.targets().targets().values()) {
                if (cached(name, target) == null) {
                    new Download(source, limits).target(targetPath(state, target), target.length(), target.sha256(),
                            cacheFile(name, target), ProgressListener.NONE);
                }
            }
        }
        return status(name);
    }

    @Override
    public List<RepositoryTarget> targets(String name) throws FlashgateException {
        existing(name);
        return List.copyOf(client(name).current().targets().targets().values());
    }

    @Override
    public Path fetch(String name, String target, ProgressListener progress) throws FlashgateException {
        existing(name);
        TufClient.State state = client(name).current();
        RepositoryTarget signed = state.targets().targets().get(target);
        if (signed == null) {
            throw new FlashgateException(ErrorCode.REPO_TARGET_UNKNOWN, name + " lists no package named " + target);
        }
        synchronized (lock(name + "/" + target)) {
            Path cached = cached(name, signed);
            if (cached != null) {
                progress.progress(signed.length(), signed.length());
                return cached;
            }
            Path file = cacheFile(name, signed);
            new Download(Source.of(location(name), limits.stallTimeout()), limits)
                    .target(targetPath(state, signed), signed.length(), signed.sha256(), file, progress);
            return file;
        }
    }

    /** The cached package if it is there and still has the signed length and hash; else {@code null}. */
    private Path cached(String name, RepositoryTarget target) throws FlashgateException {
        Path file = cacheFile(name, target);
        try {
            if (!Files.isRegularFile(file) || Files.size(file) != target.length()) {
                return null;
            }
            return Sha256.of(file).equals(target.sha256()) ? file : null;
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.HOST_IO, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private Path cacheFile(String name, RepositoryTarget target) {
        return folder.resolve(name).resolve("targets").resolve(target.name());
    }

    private static String targetPath(TufClient.State state, RepositoryTarget target) {
        return "targets/" + (state.root().consistentSnapshot() ? target.sha256() + "." : "") + target.name();
    }

    private TufClient client(String name) {
        return new TufClient(new TrustedMetadata(folder.resolve(name).resolve("metadata")), limits, clock);
    }

    private Path existing(String name) throws FlashgateException {
        Path repository = name == null || !NAME.matcher(name).matches() ? null : folder.resolve(name);
        if (repository == null || !Files.isDirectory(repository)) {
            throw new FlashgateException(ErrorCode.REPO_UNKNOWN, "no repository named " + name + " on this station");
        }
        return repository;
    }

    private URI location(String name) throws FlashgateException {
        Path file = existing(name).resolve("location");
        try {
            return URI.create(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (IOException | IllegalArgumentException e) {
            throw new FlashgateException(ErrorCode.HOST_IO, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private Object lock(String key) {
        return locks.computeIfAbsent(key, k -> new Object());
    }

    static void deleteTree(Path top) {
        if (top == null || !Files.exists(top)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(top)) {
            walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // left-overs are named with a leading '.', which list() ignores
        }
    }
}
