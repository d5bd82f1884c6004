package dev.flashgate.verify.internal;

import static dev.flashgate.core.ErrorCode.PKG_MISSING_ENTRY;
import static dev.flashgate.core.ErrorCode.PKG_TOO_LARGE;
import static dev.flashgate.core.ErrorCode.PKG_UNLISTED_ENTRY;
import static dev.flashgate.core.ErrorCode.SIG_MISSING;
import static dev.flashgate.core.ErrorCode.SIZE_MISMATCH;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.Provider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.Topics;
import dev.flashgate.core.pkg.Artifact;
import dev.flashgate.core.pkg.ArtifactResult;
import dev.flashgate.core.pkg.EntryInfo;
import dev.flashgate.core.pkg.Manifest;
import dev.flashgate.core.pkg.PackageVerifier;
import dev.flashgate.core.pkg.ProgressListener;
import dev.flashgate.core.pkg.SignatureInfo;
import dev.flashgate.core.pkg.TrustAnchors;
import dev.flashgate.core.pkg.VerificationReport;
import dev.flashgate.core.pkg.Verdict;

/** Verifies {@code .fgp} packages, format 1, in the order the format prescribes. */
@Component(service = PackageVerifier.class)
public final class FgpPackageVerifier implements PackageVerifier {

    /** A deflated entry inflating more than this many times its stored size is refused. */
    static final long MAX_COMPRESSION_RATIO = 1000;
    private static final int MAX_SIGNATURE_BYTES = 1 << 20;

    private final Clock clock;
    private final CmsSignatureCheck signatures;
    private final ArtifactHasher hasher;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin events;

    @Activate
    public FgpPackageVerifier() {
        this(Clock.systemUTC(), new BouncyCastleProvider(), Runtime.getRuntime().availableProcessors());
    }

    public FgpPackageVerifier(Clock clock, Provider bouncyCastle, int threads) {
        this.clock = clock;
        this.signatures = new CmsSignatureCheck(bouncyCastle);
        this.hasher = new ArtifactHasher(threads);
    }

    @Override
    public VerificationReport verify(Path pkg, TrustAnchors anchors, ProgressListener progress) {
        return publish(new Run(pkg, anchors, progress, false).execute());
    }

    @Override
    public VerificationReport inspect(Path pkg, TrustAnchors anchors, ProgressListener progress) {
        return new Run(pkg, anchors, progress, true).execute();
    }

    private VerificationReport publish(VerificationReport report) {
        EventAdmin admin = events;
        if (admin != null) {
            Map<String, Object> props = new HashMap<>();
            props.put(Topics.KEY_PACKAGE, report.source().toString());
            if (report.verdict() instanceof Verdict.Rejected r) {
                props.put(Topics.KEY_CODE, r.code().name());
                props.put(Topics.KEY_DETAIL, r.detail());
            }
            admin.postEvent(new Event(report.verified() ? Topics.PACKAGE_VERIFIED : Topics.PACKAGE_REJECTED, props));
        }
        return report;
    }

    /**
     * One verification. In inspect mode every step that can still run does, but the verdict is
     * always the first failure in the fixed order, exactly as verify would report it.
     */
    private final class Run {
        private final Path pkg;
        private final TrustAnchors anchors;
        private final ProgressListener progress;
        private final boolean inspect;
        private final Instant started = clock.instant();

        private long size = -1;
        private List<EntryInfo> entries = List.of();
        private SignatureInfo signature;
        private Manifest manifest;
        private boolean manifestTrusted;
        private List<ArtifactResult> artifacts = List.of();
        private FlashgateException failure;

        Run(Path pkg, TrustAnchors anchors, ProgressListener progress, boolean inspect) {
            this.pkg = pkg;
            this.anchors = anchors;
            this.progress = progress;
            this.inspect = inspect;
        }

        VerificationReport execute() {
            try (ZipArchive zip = ZipArchive.open(pkg)) {
                size = zip.fileSize();
                entries = zip.entries().stream().map(ZipEntryRecord::info).toList();
                steps(zip);
            } catch (FlashgateException e) {
                fail(e);
            } catch (NoSuchFileException | AccessDeniedException e) {
                fail(new FlashgateException(ErrorCode.USAGE, "cannot read " + pkg + ": " + e.getClass().getSimpleName()));
            } catch (IOException e) {
                fail(new FlashgateException(ErrorCode.PKG_TRUNCATED, "reading " + pkg + " failed: " + e.getMessage(), e));
            }
            Verdict verdict = failure == null ? new Verdict.Verified() : Verdict.Rejected.of(failure);
            return new VerificationReport(pkg, size, entries, signature, manifest, manifestTrusted, artifacts, verdict, Duration.between(started, clock.instant()));
        }

        private void steps(ZipArchive zip) throws IOException, FlashgateException {
            checkContainer(zip);
            ZipEntryRecord manifestEntry = zip.find(Manifest.ENTRY)
                    .orElseThrow(() -> new FlashgateException(PKG_MISSING_ENTRY, "the package has no manifest.json"));
            byte[] manifestBytes = zip.reader(manifestEntry).readAll(ManifestJson.MAX_BYTES);
            Optional<ZipEntryRecord> signatureEntry = zip.find(Manifest.SIGNATURE_ENTRY);
            CmsSignatureCheck.Outcome outcome = signatureEntry.isEmpty()
                    ? new CmsSignatureCheck.Outcome(null, new FlashgateException(SIG_MISSING, "the package has no manifest.json.p7s"))
                    : signatures.check(manifestBytes, zip.reader(signatureEntry.get()).readAll(MAX_SIGNATURE_BYTES),
                            anchors, clock.instant());
            signature = outcome.info();
            if (!outcome.trusted() && !recover(outcome.failure())) {
                return;
            }
            manifest = ManifestJson.parse(manifestBytes);
            manifestTrusted = outcome.trusted();
            checkArtifacts(zip);
        }

        private void checkContainer(ZipArchive zip) throws FlashgateException {
            List<String> names = new ArrayList<>();
            for (ZipEntryRecord e : zip.entries()) {
                EntryNames.check(e.name());
                names.add(e.name());
            }
            EntryNames.checkUnique(names);
            for (ZipEntryRecord e : zip.entries()) {
                if (e.directory() && e.size() > 0) {
                    throw new FlashgateException(PKG_UNLISTED_ENTRY, "directory entry '" + e.name() + "' carries data");
                }
                if (e.method() == ZipEntryRecord.DEFLATED && e.size() > (1 << 20)
                        && e.size() / Math.max(1, e.compressedSize()) > MAX_COMPRESSION_RATIO) {
                    throw new FlashgateException(PKG_TOO_LARGE, e.name() + " would inflate " + e.compressedSize()
                            + " bytes to " + e.size() + " (ratio over " + MAX_COMPRESSION_RATIO + ":1)");
                }
            }
        }

        private void checkArtifacts(ZipArchive zip) throws IOException, FlashgateException {
            Map<String, Artifact> listed = new HashMap<>();
            manifest.artifacts().forEach(a -> listed.put(a.path(), a));
            for (ZipEntryRecord e : zip.entries()) {
                if (!e.directory() && !listed.containsKey(e.name())
                        && !e.name().equals(Manifest.ENTRY) && !e.name().equals(Manifest.SIGNATURE_ENTRY)) {
                    throw new FlashgateException(PKG_UNLISTED_ENTRY, "'" + EntryNames.printable(e.name())
                            + "' is in the package but not in the manifest");
                }
            }
            List<ArtifactHasher.Job> jobs = new ArrayList<>();
            List<ArtifactResult> results = new ArrayList<>();
            for (Artifact a : manifest.artifacts()) {
                Optional<ZipEntryRecord> entry = zip.find(a.path());
                if (entry.isEmpty()) {
                    results.add(new ArtifactResult(a, ArtifactResult.Status.MISSING, -1, null));
                    if (!recover(new FlashgateException(PKG_MISSING_ENTRY, "'" + a.path() + "' is listed but not in the package"))) {
                        artifacts = withUnchecked(results);
                        return;
                    }
                } else if (entry.get().size() != a.size()) {
                    results.add(new ArtifactResult(a, ArtifactResult.Status.SIZE_MISMATCH, entry.get().size(), null));
                    if (!recover(new FlashgateException(SIZE_MISMATCH, a.path() + ": the manifest says " + a.size()
                            + " bytes, the package holds " + entry.get().size()))) {
                        artifacts = withUnchecked(results);
                        return;
                    }
                } else {
                    results.add(null);
                    jobs.add(new ArtifactHasher.Job(a, entry.get()));
                }
            }
            List<ArtifactResult> hashed = hasher.hash(zip, jobs, !inspect, progress);
            int next = 0;
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i) == null) {
                    results.set(i, hashed.get(next++));
                }
            }
            artifacts = List.copyOf(results);
            for (ArtifactResult r : artifacts) {
                switch (r.status()) {
                    case HASH_MISMATCH -> recover(new FlashgateException(ErrorCode.HASH_MISMATCH, r.artifact().path()
                            + ": SHA-256 is " + r.actualSha256() + ", the manifest says " + r.artifact().sha256()));
                    case SIZE_MISMATCH -> recover(new FlashgateException(SIZE_MISMATCH, r.artifact().path()
                            + ": holds " + r.actualSize() + " bytes, the manifest says " + r.artifact().size()));
                    default -> { }
                }
            }
        }

        /** Results so far, and NOT_CHECKED for every artifact not reached or not yet hashed. */
        private List<ArtifactResult> withUnchecked(List<ArtifactResult> done) {
            List<ArtifactResult> all = new ArrayList<>();
            for (int i = 0; i < manifest.artifacts().size(); i++) {
                ArtifactResult r = i < done.size() ? done.get(i) : null;
                all.add(r != null ? r : ArtifactResult.notChecked(manifest.artifacts().get(i)));
            }
            return all;
        }

        /** Records a failure (the first one is the verdict); true when the run may go on. */
        private boolean recover(FlashgateException e) {
            fail(e);
            return inspect;
        }

        private void fail(FlashgateException e) {
            if (failure == null) {
                failure = e;
            }
        }
    }
}
