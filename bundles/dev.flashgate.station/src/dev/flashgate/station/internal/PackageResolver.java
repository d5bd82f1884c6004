package dev.flashgate.station.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.Manifest;
import dev.flashgate.core.pkg.PackageVerifier;
import dev.flashgate.core.pkg.ProgressListener;
import dev.flashgate.core.pkg.TrustAnchors;
import dev.flashgate.core.pkg.Verdict;
import dev.flashgate.core.pkg.VerificationReport;
import dev.flashgate.core.repository.RepositoryTarget;
import dev.flashgate.core.repository.UpdateRepositories;
import dev.flashgate.station.StationPolicy;

/**
 * Turns a rule into a verified package file, once per rule and model however many devices ask at
 * the same time: the repository's newest (or named) package for the model, fetched and verified
 * in full, and it must be what the repository listed; or the rule's local file, verified.
 */
final class PackageResolver {

    record Resolved(Path file, String name, String version, long versionCode) {
    }

    private final UpdateRepositories repositories;
    private final PackageVerifier verifier;
    private final TrustAnchors anchors;
    private final Map<String, CompletableFuture<Resolved>> resolved = new ConcurrentHashMap<>();

    PackageResolver(UpdateRepositories repositories, PackageVerifier verifier, TrustAnchors anchors) {
        this.repositories = repositories;
        this.verifier = verifier;
        this.anchors = anchors;
    }

    Resolved resolve(StationPolicy.Rule rule, String model) throws FlashgateException {
        String key = rule.source() + "|" + model.toUpperCase(java.util.Locale.ROOT);
        CompletableFuture<Resolved> mine = new CompletableFuture<>();
        CompletableFuture<Resolved> existing = resolved.putIfAbsent(key, mine);
        if (existing == null) {
            try {
                mine.complete(load(rule, model));
            } catch (FlashgateException | RuntimeException e) {
                resolved.remove(key, mine); // the next device tries again (the network may be back)
                mine.completeExceptionally(e);
            }
        }
        try {
            return (existing == null ? mine : existing).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlashgateException(ErrorCode.CANCELLED, "station mode stopped while the package was prepared");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof FlashgateException fe) {
                throw fe;
            }
            throw new FlashgateException(ErrorCode.INTERNAL, String.valueOf(e.getCause()), e.getCause());
        }
    }

    /** Forgets what was resolved: repositories were updated and may offer newer packages. */
    void forget() {
        resolved.clear();
    }

    private Resolved load(StationPolicy.Rule rule, String model) throws FlashgateException {
        if (rule.file() != null) {
            Manifest manifest = verify(rule.file());
            return new Resolved(rule.file(), rule.file().getFileName().toString(), manifest.version(), manifest.versionCode());
        }
        RepositoryTarget target = choose(repositories.targets(rule.repository()), rule, model);
        Path file = repositories.fetch(rule.repository(), target.name(), ProgressListener.NONE);
        Manifest manifest = verify(file);
        Optional<String> mismatch = target.mismatch(manifest);
        if (mismatch.isPresent()) {
            throw new FlashgateException(ErrorCode.REPO_TARGET_MISMATCH, mismatch.get());
        }
        return new Resolved(file, target.name(), manifest.version(), manifest.versionCode());
    }

    static RepositoryTarget choose(List<RepositoryTarget> targets, StationPolicy.Rule rule, String model) throws FlashgateException {
        return RepositoryTarget.choose(targets, model, rule.target()).orElseThrow(() -> new FlashgateException(
                ErrorCode.REPO_TARGET_UNKNOWN, rule.repository() + " offers " + (rule.target() == null ? "no package" : "no "
                        + rule.target()) + " for " + model));
    }

    private Manifest verify(Path file) throws FlashgateException {
        VerificationReport report = verifier.verify(file, anchors, ProgressListener.NONE);
        if (report.verdict() instanceof Verdict.Rejected rejected) {
            throw new FlashgateException(rejected.code(), file.getFileName() + ": " + rejected.detail());
        }
        return report.manifest();
    }
}
