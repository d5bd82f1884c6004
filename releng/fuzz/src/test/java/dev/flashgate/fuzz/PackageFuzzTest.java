package dev.flashgate.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.ArtifactResult;
import dev.flashgate.core.pkg.Manifest;
import dev.flashgate.core.pkg.ProgressListener;
import dev.flashgate.core.pkg.TrustAnchors;
import dev.flashgate.core.pkg.VerificationReport;
import dev.flashgate.core.pkg.Verdict;
import dev.flashgate.verify.internal.CmsSignatureCheck;
import dev.flashgate.verify.internal.FgpPackageVerifier;
import dev.flashgate.verify.internal.ManifestJson;

/**
 * Coverage-guided fuzzing of everything that reads untrusted package bytes. The last input byte
 * picks the reader: 0 the whole package (container, signature, manifest, artifacts), 1 the
 * manifest parser, 2 the CMS signature check. Properties: nothing but a typed error escapes,
 * nothing hangs, verify and inspect always agree, a verified package has only matching
 * artifacts, and every manifest that parses survives a write and re-parse unchanged.
 */
class PackageFuzzTest {

    private static final FgpPackageVerifier VERIFIER = new FgpPackageVerifier(Clock.systemUTC(), 2);
    private static final CmsSignatureCheck SIGNATURES = new CmsSignatureCheck();
    private static final TrustAnchors ANCHORS = new TrustAnchors(List.of(certificate("fuzz-ca.pem")), "fuzz CA");
    private static final byte[] SIGNED_MANIFEST = resource("signed-manifest.json");
    private static final Set<ErrorCode> MANIFEST_CODES = EnumSet.of(ErrorCode.MANIFEST_INVALID,
            ErrorCode.MANIFEST_UNSUPPORTED_FORMAT, ErrorCode.PKG_BAD_ENTRY_NAME, ErrorCode.PKG_DUPLICATE_ENTRY,
            ErrorCode.PKG_TOO_LARGE);
    private static final Path PACKAGE = tempFile();

    /** Longest any one input may take before it counts as a hang. */
    private static final HangGuard GUARD = new HangGuard("fuzz-input", 5);

    @FuzzTest(maxDuration = "30s")
    void packageReaders(FuzzedDataProvider data) throws Exception {
        int reader = data.consumeInt(0, 2);
        byte[] bytes = data.consumeRemainingAsBytes();
        GUARD.run("reader " + reader + " on a " + bytes.length + "-byte input", () -> {
            switch (reader) {
                case 0 -> wholePackage(bytes);
                case 1 -> manifest(bytes);
                default -> assertNotNull(SIGNATURES.check(SIGNED_MANIFEST, bytes, ANCHORS, Instant.now()));
            }
            return null;
        });
    }

    private static void wholePackage(byte[] bytes) throws IOException {
        Files.write(PACKAGE, bytes);
        VerificationReport verified = VERIFIER.verify(PACKAGE, ANCHORS, ProgressListener.NONE);
        VerificationReport inspected = VERIFIER.inspect(PACKAGE, ANCHORS, ProgressListener.NONE);
        assertEquals(verified.verdict(), inspected.verdict(), "verify and inspect must agree");
        if (verified.verified()) {
            assertTrue(verified.manifestTrusted());
            assertEquals(verified.manifest().artifacts().size(), verified.artifacts().size());
            verified.artifacts().forEach(a -> assertEquals(ArtifactResult.Status.MATCH, a.status()));
        }
    }

    private static void manifest(byte[] bytes) {
        Manifest parsed;
        try {
            parsed = ManifestJson.parse(bytes);
        } catch (FlashgateException e) {
            assertTrue(MANIFEST_CODES.contains(e.code()), () -> "unexpected code " + e);
            return;
        }
        try {
            assertEquals(parsed, ManifestJson.parse(ManifestJson.write(parsed)), "a written manifest must read back the same");
        } catch (FlashgateException e) {
            throw new AssertionError("a manifest Flashgate wrote does not parse: " + e, e);
        }
    }

    /**
     * Every class seed is of its class (its name says which: {@code class-VERIFIED-…} or
     * {@code class-<code>-…}): fuzzing starts from a package that verifies, so it gets past the
     * signature, and from one of each kind the format refuses. {@code releng/fuzz/make-seeds.py}
     * writes them.
     */
    @Test
    void everySeedIsOfItsClass() throws Exception {
        Path seeds = Path.of(PackageFuzzTest.class.getResource("PackageFuzzTestInputs/packageReaders").toURI());
        List<Path> classes;
        try (var listing = Files.list(seeds)) {
            classes = listing.filter(p -> p.getFileName().toString().startsWith("class-")).sorted().toList();
        }
        assertTrue(classes.size() >= 10, "the class seeds are missing: " + classes);
        for (Path seed : classes) {
            String expected = seed.getFileName().toString().split("-")[1];
            byte[] bytes = Files.readAllBytes(seed);
            assertEquals(0, bytes[bytes.length - 1], seed + " is not a whole-package input");
            Files.write(PACKAGE, java.util.Arrays.copyOf(bytes, bytes.length - 1));
            VerificationReport report = VERIFIER.verify(PACKAGE, ANCHORS, ProgressListener.NONE);
            String actual = report.verdict() instanceof Verdict.Rejected r ? r.code().name() : "VERIFIED";
            assertEquals(expected, actual, () -> seed.getFileName() + ": " + report.verdict());
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = PackageFuzzTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static X509Certificate certificate(String name) {
        try (InputStream in = PackageFuzzTest.class.getResourceAsStream(name)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path tempFile() {
        try {
            Path file = Files.createTempFile("flashgate-fuzz", ".fgp");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
