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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
import dev.flashgate.core.pkg.VerifiedPackage;

/** Verifies {@code .fgp} packages, format 1, in the order the format prescribes. */
@Component(service = PackageVerifier.class)
public final class FgpPackageVerifier implements PackageVerifier {

    /** A deflated entry inflating more than this many times its stored size is refused. */
    static final long MAX_COMPRESSION_RATIO = 1000;
    private static final int MAX_SIGNATURE_BYTES = 1 << 20;

    private final Clock clock;
    private final CmsSignatureCheck signatures;
    private final int threads;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin events;

    @Activate
    public FgpPackageVerifier() {
        this(Clock.systemUTC(), Runtime.getRuntime().availableProcessors());
    }

    public FgpPackageVerifier(Clock clock, int threads) {
        this.clock = clock;
        this.signatures = new CmsSignatureCheck();
        this.threads = threads;
    }

    @Override
    public VerificationReport verify(Path pkg, TrustAnchors anchors, ProgressListener progress) {
        return publish(new Run(pkg, anchors, progress, false).execute());
    }

    @Override
    public VerificationReport inspect(Path pkg, TrustAnchors anchors, ProgressListener progress) {
        return new Run(pkg, anchors, progress, true).execute();
    }

    @Override
    public VerifiedPackage open(Path pkg, TrustAnchors anchors, ProgressListener progress) throws FlashgateException {
        Run run = new Run(pkg, anchors, progress, false);
        run.keepOpen = true;
        VerificationReport report = publish(run.execute());
        if (report.verdict() instanceof Verdict.Rejected r) {
            throw new FlashgateException(r.code(), r.detail());
        }
        return new OpenPackage(run.kept, report);
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
        /** Set to keep a verified archive open for streaming; then {@link #kept} holds it. */
        private boolean keepOpen;
        private ZipArchive kept;

        Run(Path pkg, TrustAnchors anchors, ProgressListener progress, boolean inspect) {
            this.pkg = pkg;
            this.anchors = anchors;
            this.progress = progress;
            this.inspect = inspect;
        }

        VerificationReport execute() {
            ZipArchive zip = null;
            boolean completed = false;
            try {
                zip = ZipArchive.open(pkg);
                size = zip.fileSize();
                entries = zip.entries().stream().map(ZipEntryRecord::info).toList();
                steps(zip);
                completed = true;
            } catch (FlashgateException e) {
                fail(e);
            } catch (NoSuchFileException | AccessDeniedException e) {
                fail(new FlashgateException(ErrorCode.USAGE, "cannot read " + pkg + ": " + e.getClass().getSimpleName()));
            } catch (IOException e) {
                fail(new FlashgateException(ErrorCode.PKG_TRUNCATED, "reading " + pkg + " failed: " + e.getMessage(), e));
            } catch (RuntimeException | Error e) {
                // fail closed: whatever broke, the package is not verified (and the caller hears why)
                fail(FlashgateException.unexpected(e));
            } finally {
                if (keepOpen && completed && failure == null) {
                    kept = zip;
                } else if (zip != null) {
                    closeQuietly(zip);
                }
            }
            Verdict verdict = failure == null ? new Verdict.Verified() : Verdict.Rejected.of(failure);
            return new VerificationReport(pkg, size, entries, signature, manifest, manifestTrusted, artifacts, verdict, Duration.between(started, clock.instant()));
        }

        private void steps(ZipArchive zip) throws IOException, FlashgateException {
            checkContainer(zip);
            ZipEntryRecord manifestEntry = zip.find(Manifest.ENTRY)
                    .orElseThrow(() -> new FlashgateException(PKG_MISSING_ENTRY, "the package has no manifest.json"));
            Optional<ZipEntryRecord> signatureEntry = zip.find(Manifest.SIGNATURE_ENTRY);
            List<ZipEntryRecord> payload = zip.entries().stream()
                    .filter(e -> !e.directory() && !isManifestOrSignature(e)).toList();
            try (ArtifactHasher hasher = new ArtifactHasher(threads, payload.stream().mapToLong(ZipEntryRecord::size).sum(),
                    progress)) {
                // Stored entries are only read, never interpreted, so hashing them overlaps the signature
                // check; deflated entries are inflated only after it.
                hasher.start(zip, payload.stream().filter(e -> e.method() == ZipEntryRecord.STORED).toList());
                byte[] manifestBytes = zip.reader(manifestEntry).readAll(ManifestJson.MAX_BYTES);
                byte[] signatureBytes = signatureEntry.isEmpty() ? null : zip.reader(signatureEntry.get()).readAll(MAX_SIGNATURE_BYTES);
                CmsSignatureCheck.Outcome outcome = signatureBytes == null
                        ? new CmsSignatureCheck.Outcome(null, new FlashgateException(SIG_MISSING, "the package has no manifest.json.p7s"))
                        : signatures.check(manifestBytes, signatureBytes, anchors, clock.instant());
                signature = outcome.info();
                if (!outcome.trusted() && !recover(outcome.failure())) {
                    return;
                }
                // an edited manifest is the signature's verdict; a CRC-32 that lies about signed bytes is the archive's
                try {
                    zip.reader(manifestEntry).check(manifestBytes);
                    if (signatureBytes != null) {
                        zip.reader(signatureEntry.get()).check(signatureBytes);
                    }
                } catch (FlashgateException e) {
                    if (!recover(e)) {
                        return;
                    }
                }
                manifest = ManifestJson.parse(manifestBytes);
                manifestTrusted = outcome.trusted();
                checkArtifacts(zip, hasher);
            }
        }

        private void checkContainer(ZipArchive zip) throws IOException, FlashgateException {
            List<String> names = new ArrayList<>();
            for (ZipEntryRecord e : zip.entries()) {
                EntryNames.check(e.name());
                names.add(e.name());
            }
            EntryNames.checkUnique(names);
            for (ZipEntryRecord e : zip.entries()) {
                if (e.directory() && (e.size() > 0 || e.compressedSize() > 0 && carriesData(zip, e))) {
                    throw new FlashgateException(PKG_UNLISTED_ENTRY, "directory entry '" + EntryNames.printable(e.name())
                            + "' carries data");
                }
                if (e.method() == ZipEntryRecord.DEFLATED && e.size() > (1 << 20)
                        && e.size() / Math.max(1, e.compressedSize()) > MAX_COMPRESSION_RATIO) {
                    throw new FlashgateException(PKG_TOO_LARGE, e.name() + " would inflate " + e.compressedSize()
                            + " bytes to " + e.size() + " (ratio over " + MAX_COMPRESSION_RATIO + ":1)");
                }
            }
        }

        /** A deflated folder is an empty deflate stream; anything else in it is data (or hidden bytes). */
        private static boolean carriesData(ZipArchive zip, ZipEntryRecord folder) throws IOException, FlashgateException {
            EntryReader reader = zip.reader(folder);
            return reader.check(reader.stream(chunk -> { })).size() > 0;
        }

        private void checkArtifacts(ZipArchive zip, ArtifactHasher hasher) throws IOException, FlashgateException {
            Map<String, Artifact> listed = new HashMap<>();
            manifest.artifacts().forEach(a -> listed.put(a.path(), a));
            for (ZipEntryRecord e : zip.entries()) {
                if (!e.directory() && !listed.containsKey(e.name()) && !isManifestOrSignature(e)) {
                    throw new FlashgateException(PKG_UNLISTED_ENTRY, "'" + EntryNames.printable(e.name())
                            + "' is in the package but not in the manifest");
                }
            }
            hasher.start(zip, manifest.artifacts().stream().map(a -> zip.find(a.path()))
                    .flatMap(Optional::stream).toList());
            List<ArtifactResult> results = new ArrayList<>();
            for (Artifact a : manifest.artifacts()) {
                Checked checked = check(zip, hasher, a);
                ArtifactResult result = checked.result();
                results.add(result);
                FlashgateException problem = switch (result.status()) {
                    case MISSING -> new FlashgateException(PKG_MISSING_ENTRY, "'" + a.path() + "' is listed but not in the package");
                    case SIZE_MISMATCH -> new FlashgateException(SIZE_MISMATCH, a.path() + ": the manifest says " + a.size()
                            + " bytes, the package holds " + result.actualSize());
                    case HASH_MISMATCH -> new FlashgateException(ErrorCode.HASH_MISMATCH, a.path() + ": SHA-256 is "
                            + result.actualSha256() + ", the manifest says " + a.sha256());
                    case MATCH -> checked.corrupt();
                    case NOT_CHECKED -> null;
                };
                if (problem != null && !recover(problem)) {
                    break;
                }
            }
            artifacts = withUnchecked(results);
        }

        /**
         * An artifact against the manifest. The signed hash speaks first: a changed artifact is a
         * HASH_MISMATCH, whatever its CRC-32 says; the CRC-32 refuses one whose bytes are the signed
         * ones but whose archive metadata lies about them.
         */
        private Checked check(ZipArchive zip, ArtifactHasher hasher, Artifact a) throws IOException, FlashgateException {
            Optional<ZipEntryRecord> entry = zip.find(a.path());
            if (entry.isEmpty()) {
                return new Checked(new ArtifactResult(a, ArtifactResult.Status.MISSING, -1, null), null);
            }
            if (entry.get().size() != a.size()) {
                return new Checked(new ArtifactResult(a, ArtifactResult.Status.SIZE_MISMATCH, entry.get().size(), null), null);
            }
            ArtifactHasher.Digest d = hasher.await(zip, entry.get());
            ArtifactResult.Status status = d.size() != a.size() ? ArtifactResult.Status.SIZE_MISMATCH
                    : d.sha256().equals(a.sha256()) ? ArtifactResult.Status.MATCH : ArtifactResult.Status.HASH_MISMATCH;
            return new Checked(new ArtifactResult(a, status, d.size(), d.sha256()), d.corrupt());
        }

        private record Checked(ArtifactResult result, FlashgateException corrupt) {
        }

        private static void closeQuietly(ZipArchive zip) {
            try {
                zip.close();
            } catch (IOException e) {
                // read-only: nothing was lost
            }
        }

        private static boolean isManifestOrSignature(ZipEntryRecord e) {
            return e.name().equals(Manifest.ENTRY) || e.name().equals(Manifest.SIGNATURE_ENTRY);
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
