package dev.flashgate.verify.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.pkg.ArtifactResult;
import dev.flashgate.core.pkg.KeyRequest;
import dev.flashgate.core.pkg.ProgressListener;
import dev.flashgate.core.pkg.SigningCredentials;
import dev.flashgate.core.pkg.TrustAnchors;
import dev.flashgate.core.pkg.VerificationReport;

/** Each rejection class of the package format, on packages built by Flashgate's own signer. */
class PackageVerifierTest {

    private static Fixtures fx;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() throws Exception {
        fx = new Fixtures();
    }

    private static VerificationReport verify(Path pkg) {
        return Fixtures.VERIFIER.verify(pkg, fx.anchors, ProgressListener.NONE);
    }

    @Test
    void aWellFormedSignedPackageVerifies() throws Exception {
        AtomicLong progress = new AtomicLong();
        VerificationReport report = Fixtures.VERIFIER.verify(fx.validPackage(dir), fx.anchors, (done, total) -> progress.set(done));
        assertTrue(report.verified(), () -> report.verdict().toString());
        assertTrue(report.manifestTrusted());
        assertEquals("FG_MF833S_T01", report.manifest().version());
        assertEquals(Map.of("host", "ci", "number", 7), report.manifest().extra().get("x-build"));
        assertEquals(2, report.artifacts().size());
        report.artifacts().forEach(a -> assertEquals(ArtifactResult.Status.MATCH, a.status()));
        assertEquals(370_000, progress.get());
        assertEquals(List.of(fx.vendor.certificate().getSubjectX500Principal().getName(),
                fx.ca.certificate().getSubjectX500Principal().getName()),
                report.signature().chain().stream().map(c -> c.subject()).toList());
    }

    @ParameterizedTest
    @EnumSource(KeyRequest.KeyType.class)
    void everyAcceptedKeyTypeSignsAndVerifies(KeyRequest.KeyType type) throws Exception {
        SigningCredentials ca = Fixtures.KEYS.generate(new KeyRequest("CN=CA " + type, type, Duration.ofDays(3), true, null));
        SigningCredentials signer = Fixtures.KEYS.generate(new KeyRequest("CN=Signer " + type, type, Duration.ofDays(2), false, ca));
        Map<String, byte[]> files = Fixtures.twoArtifacts();
        VerificationReport report = Fixtures.VERIFIER.verify(fx.signedPackage(dir, Fixtures.manifest(files), signer, files),
                new TrustAnchors(List.of(ca.certificate()), type.name()), ProgressListener.NONE);
        assertTrue(report.verified(), () -> type + ": " + report.verdict());
    }

    @Test
    void deflatedArtifactsVerifyToo() throws Exception {
        Map<String, byte[]> files = Fixtures.twoArtifacts();
        files.put("layout/rawprogram_nand.xml", "<data>\n".repeat(1000).getBytes(StandardCharsets.US_ASCII));
        byte[] manifest = Fixtures.manifest(files).getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("manifest.json", manifest);
        entries.put("manifest.json.p7s", Fixtures.SIGNER.signDetached(manifest, fx.vendor));
        entries.putAll(files);
        VerificationReport report = verify(Fixtures.write(dir.resolve("deflated.fgp"), entries, true));
        assertTrue(report.verified(), () -> report.verdict().toString());
    }

    @Test
    void aFlippedBitInAnArtifactIsAHashMismatch() throws Exception {
        Map<String, byte[]> files = Fixtures.twoArtifacts();
        String manifest = Fixtures.manifest(files);
        files.get("images/boot.img")[12_345] ^= 0x10;
        Fixtures.assertRejected(ErrorCode.HASH_MISMATCH, verify(fx.signedPackage(dir, manifest, fx.vendor, files)));
    }

    @Test
    void anEditedManifestBreaksTheSignature() throws Exception {
        Path pkg = fx.validPackage(dir);
        Fixtures.patch(pkg, "\"versionCode\": 101", "\"versionCode\": 901");
        VerificationReport report = verify(pkg);
        Fixtures.assertRejected(ErrorCode.SIG_INVALID, report);
        assertNull(report.manifest(), "an unverified manifest must not be interpreted");
    }

    @Test
    void aSignatureFromAnotherPackageIsInvalid() throws Exception {
        Map<String, byte[]> other = Map.of("images/other.bin", Fixtures.firmware(1000, 9));
        byte[] foreign = Fixtures.SIGNER.signDetached(Fixtures.manifest(other).getBytes(StandardCharsets.UTF_8), fx.vendor);
        Map<String, byte[]> files = Fixtures.twoArtifacts();
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("manifest.json", Fixtures.manifest(files).getBytes(StandardCharsets.UTF_8));
        entries.put("manifest.json.p7s", foreign);
        entries.putAll(files);
        Fixtures.assertRejected(ErrorCode.SIG_INVALID, verify(Fixtures.write(dir.resolve("swapped.fgp"), entries, false)));
    }

    @Test
    void aSignerOutsideTheTrustStoreIsUntrusted() throws Exception {
        SigningCredentials stranger = Fixtures.KEYS.generate(new KeyRequest("CN=Someone Else", KeyRequest.KeyType.EC_P256,
                Duration.ofDays(5), false, null));
        Map<String, byte[]> files = Fixtures.twoArtifacts();
        Fixtures.assertRejected(ErrorCode.SIG_UNTRUSTED, verify(fx.signedPackage(dir, Fixtures.manifest(files), stranger, files)));
    }

    @Test
    void noTrustAnchorsMeansUntrusted() throws Exception {
        VerificationReport report = Fixtures.VERIFIER.verify(fx.validPackage(dir), new TrustAnchors(List.of(), "nothing"),
                ProgressListener.NONE);
        Fixtures.assertRejected(ErrorCode.SIG_UNTRUSTED, report);
    }

    @Test
    void anExpiredSigningCertificateIsRefused() throws Exception {
        SigningCredentials expired = Fixtures.expiredVendor(fx.ca);
        Map<String, byte[]> files = Fixtures.twoArtifacts();
        Fixtures.assertRejected(ErrorCode.SIG_CERT_EXPIRED, verify(fx.signedPackage(dir, Fixtures.manifest(files), expired, files)));
    }

    @Test
    void verificationAfterTheCertificateExpiredIsRefused() throws Exception {
        FgpPackageVerifier later = new FgpPackageVerifier(Clock.fixed(Instant.now().plus(Duration.ofDays(60)), ZoneOffset.UTC),
                2);
        Fixtures.assertRejected(ErrorCode.SIG_CERT_EXPIRED, later.verify(fx.validPackage(dir), fx.anchors, ProgressListener.NONE));
    }

    @Test
    void aCertificateWithoutCodeSigningUsageIsRefused() throws Exception {
        SigningCredentials tlsCert = issue(fx.ca, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth), KeyUsage.digitalSignature);
        Map<String, byte[]> files = Fixtures.twoArtifacts();
        Fixtures.assertRejected(ErrorCode.SIG_CERT_USAGE, verify(fx.signedPackage(dir, Fixtures.manifest(files), tlsCert, files)));
        SigningCredentials noSigning = issue(fx.ca, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning), KeyUsage.keyEncipherment);
        Fixtures.assertRejected(ErrorCode.SIG_CERT_USAGE, verify(fx.signedPackage(dir, Fixtures.manifest(files), noSigning, files)));
    }

    @Test
    void aWeakRsaKeyIsRejected() throws Exception {
        java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        SigningCredentials weak = issue(fx.ca, rsa.generateKeyPair(), new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning),
                KeyUsage.digitalSignature);
        Map<String, byte[]> files = Fixtures.twoArtifacts();
        Fixtures.assertRejected(ErrorCode.SIG_ALGORITHM_REJECTED, verify(fx.signedPackage(dir, Fixtures.manifest(files), weak, files)));
    }

    @Test
    void aMissingSignatureIsRefused() throws Exception {
        Map<String, byte[]> files = Fixtures.twoArtifacts();
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("manifest.json", Fixtures.manifest(files).getBytes(StandardCharsets.UTF_8));
        entries.putAll(files);
        Fixtures.assertRejected(ErrorCode.SIG_MISSING, verify(Fixtures.write(dir.resolve("unsigned.fgp"), entries, false)));
        entries.put("manifest.json.p7s", new byte[0]);
        Fixtures.assertRejected(ErrorCode.SIG_MISSING, verify(Fixtures.write(dir.resolve("empty-sig.fgp"), entries, false)));
    }

    @Test
    void aTruncatedPackageIsReportedAsTruncated() throws Exception {
        Path pkg = fx.validPackage(dir);
        long size = Files.size(pkg);
        for (long cut : new long[] {size - 1, size - 30, size / 2, 100, 10}) {
            try (RandomAccessFile f = new RandomAccessFile(pkg.toFile(), "rw")) {
                f.setLength(cut);
            }
            Fixtures.assertRejected(ErrorCode.PKG_TRUNCATED, verify(pkg));
        }
    }

    @Test
    void garbageAfterOrBeforeTheArchiveIsRefused() throws Exception {
        Path pkg = fx.validPackage(dir);
        byte[] original = Files.readAllBytes(pkg);
        Files.write(pkg, concat(original, "trailing".getBytes(StandardCharsets.US_ASCII)));
        Fixtures.assertRejected(ErrorCode.PKG_NOT_ZIP, verify(pkg));
        Files.write(pkg, concat("#!/bin/sh\nexit 0\n".getBytes(StandardCharsets.US_ASCII), original));
        Fixtures.assertRejected(ErrorCode.PKG_NOT_ZIP, verify(pkg));
    }

    @Test
    void somethingElseIsNotAZip() throws Exception {
        Path file = Files.writeString(dir.resolve("notes.fgp"), "this is a text file, long enough to have an end record");
        Fixtures.assertRejected(ErrorCode.PKG_NOT_ZIP, verify(file));
        Fixtures.assertRejected(ErrorCode.PKG_NOT_ZIP, verify(Files.write(dir.resolve("empty.fgp"), new byte[0])));
    }

    @Test
    void pathTraversalAndOtherBadNamesAreRefused() throws Exception {
        for (String bad : List.of("../evil.sh", "/etc/passwd", "images\\boot.img", "C:/boot.img", "images//boot.img",
                "images/./boot.img")) {
            Map<String, byte[]> entries = new LinkedHashMap<>();
            entries.put("manifest.json", "{}".getBytes(StandardCharsets.US_ASCII));
            entries.put(bad, new byte[] {1});
            Fixtures.assertRejected(ErrorCode.PKG_BAD_ENTRY_NAME, verify(Fixtures.write(dir.resolve("bad.fgp"), entries, false)));
        }
    }

    @Test
    void duplicateAndCaseCollidingEntriesAreRefused() throws Exception {
        Map<String, byte[]> files = Fixtures.twoArtifacts();
        files.put("images/xoot.img", files.get("images/boot.img"));
        Path pkg = fx.signedPackage(dir, Fixtures.manifest(files), fx.vendor, files);
        Fixtures.patch(pkg, "images/xoot.img", "images/boot.img");
        Fixtures.assertRejected(ErrorCode.PKG_DUPLICATE_ENTRY, verify(pkg));

        Map<String, byte[]> cased = Fixtures.twoArtifacts();
        cased.put("images/BOOT.img", Fixtures.firmware(10, 3));
        Fixtures.assertRejected(ErrorCode.PKG_DUPLICATE_ENTRY, verify(fx.signedPackage(dir, Fixtures.manifest(cased), fx.vendor, cased)));
    }

    @Test
    void anUnlistedEntryIsRefused() throws Exception {
        Map<String, byte[]> files = Fixtures.twoArtifacts();
        String manifest = Fixtures.manifest(files);
        files.put("images/extra.bin", Fixtures.firmware(100, 4));
        Fixtures.assertRejected(ErrorCode.PKG_UNLISTED_ENTRY, verify(fx.signedPackage(dir, manifest, fx.vendor, files)));
    }

    @Test
    void aListedButMissingEntryIsRefused() throws Exception {
        Map<String, byte[]> files = Fixtures.twoArtifacts();
        String manifest = Fixtures.manifest(files);
        files.remove("images/boot.img");
        Fixtures.assertRejected(ErrorCode.PKG_MISSING_ENTRY, verify(fx.signedPackage(dir, manifest, fx.vendor, files)));
    }

    @Test
    void aSizeLieIsASizeMismatch() throws Exception {
        Map<String, byte[]> files = Fixtures.twoArtifacts();
        String manifest = Fixtures.manifest(files).replace("\"size\": 70000", "\"size\": 70001");
        Fixtures.assertRejected(ErrorCode.SIZE_MISMATCH, verify(fx.signedPackage(dir, manifest, fx.vendor, files)));
    }

    @Test
    void aMissingOrMalformedHashIsInvalidNeverSkipped() throws Exception {
        Map<String, byte[]> files = Fixtures.twoArtifacts();
        String good = Fixtures.manifest(files);
        String hash = Fixtures.sha256(files.get("images/boot.img"));
        for (String bad : List.of(
                good.replace(", \"sha256\": \"" + hash + "\"", ""),
                good.replace(hash, hash.toUpperCase()),
                good.replace(hash, hash.substring(2)),
                good.replace("\"" + hash + "\"", "null"))) {
            Fixtures.assertRejected(ErrorCode.MANIFEST_INVALID, verify(fx.signedPackage(dir, bad, fx.vendor, files)));
        }
    }

    @Test
    void invalidManifestsAreRefused() throws Exception {
        Map<String, byte[]> files = Fixtures.twoArtifacts();
        String good = Fixtures.manifest(files);
        for (String bad : List.of(
                good.replace("\"versionCode\": 101", "\"versionCode\": \"101\""),
                good.replace("\"versionCode\": 101", "\"versionCode\": -1"),
                good.replace("\"models\": [\"MF833S\"]", "\"models\": []"),
                good.replace("\"vendor\": \"Test Vendor\",", ""),
                good.replace("\"vendor\": \"Test Vendor\",", "\"vendor\": \"A\", \"vendor\": \"B\","),
                good + "{}",
                "[1, 2]")) {
            Fixtures.assertRejected(ErrorCode.MANIFEST_INVALID, verify(fx.signedPackage(dir, bad, fx.vendor, files)));
        }
    }

    @Test
    void anUnknownFormatIsUnsupported() throws Exception {
        Map<String, byte[]> files = Fixtures.twoArtifacts();
        String manifest = Fixtures.manifest(files).replace("flashgate-package/1", "flashgate-package/2");
        Fixtures.assertRejected(ErrorCode.MANIFEST_UNSUPPORTED_FORMAT, verify(fx.signedPackage(dir, manifest, fx.vendor, files)));
    }

    @Test
    void aDecompressionBombIsRefusedBeforeInflating() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("manifest.json", "{}".getBytes(StandardCharsets.US_ASCII));
        entries.put("images/zeros.bin", new byte[64 << 20]);
        Path pkg = Fixtures.write(dir.resolve("bomb.fgp"), entries, true);
        assertTrue(Files.size(pkg) < 200_000);
        Fixtures.assertRejected(ErrorCode.PKG_TOO_LARGE, verify(pkg));
    }

    @Test
    void aLocalHeaderThatDisagreesWithTheCentralDirectoryIsMalformed() throws Exception {
        Map<String, byte[]> files = Fixtures.twoArtifacts();
        Path pkg = fx.signedPackage(dir, Fixtures.manifest(files), fx.vendor, files);
        byte[] data = Files.readAllBytes(pkg);
        byte[] name = "images/boot.img".getBytes(StandardCharsets.US_ASCII);
        int local = indexOf(data, name, 0);
        while (!(data[local - 30] == 'P' && data[local - 29] == 'K' && data[local - 28] == 3 && data[local - 27] == 4)) {
            local = indexOf(data, name, local + 1);
        }
        data[local + 7] = 'B';
        Files.write(pkg, data);
        Fixtures.assertRejected(ErrorCode.PKG_NOT_ZIP, verify(pkg));
    }

    @Test
    void inspectShowsAnUntrustedManifestClearlyLabelledAndTheSameVerdict() throws Exception {
        Map<String, byte[]> files = Fixtures.twoArtifacts();
        String manifest = Fixtures.manifest(files);
        files.get("images/modem.ubi")[0] ^= 1;
        Path pkg = fx.signedPackage(dir, manifest, fx.vendor, files);
        TrustAnchors none = new TrustAnchors(List.of(), "nothing");
        VerificationReport verified = Fixtures.VERIFIER.verify(pkg, none, ProgressListener.NONE);
        VerificationReport inspected = Fixtures.VERIFIER.inspect(pkg, none, ProgressListener.NONE);
        assertEquals(verified.verdict(), inspected.verdict());
        Fixtures.assertRejected(ErrorCode.SIG_UNTRUSTED, inspected);
        assertNull(verified.manifest());
        assertNotNull(inspected.manifest());
        assertFalse(inspected.manifestTrusted());
        assertEquals(List.of(ArtifactResult.Status.HASH_MISMATCH, ArtifactResult.Status.MATCH),
                inspected.artifacts().stream().map(ArtifactResult::status).toList());
        assertNotNull(inspected.signature());
    }

    @Test
    void verifyLeavesThePackageUntouched() throws Exception {
        Path pkg = fx.validPackage(dir);
        byte[] before = Files.readAllBytes(pkg);
        verify(pkg);
        assertArrayEquals(before, Files.readAllBytes(pkg));
    }

    private static SigningCredentials issue(SigningCredentials ca, ExtendedKeyUsage eku, int keyUsage) throws Exception {
        java.security.KeyPairGenerator ec = java.security.KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        return issue(ca, ec.generateKeyPair(), eku, keyUsage);
    }

    private static SigningCredentials issue(SigningCredentials ca, java.security.KeyPair pair, ExtendedKeyUsage eku,
            int keyUsage) throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()),
                java.math.BigInteger.valueOf(now.toEpochMilli()), java.util.Date.from(now.minusSeconds(60)),
                java.util.Date.from(now.plus(Duration.ofDays(1))), new X500Name("CN=Odd Usage"), pair.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
        b.addExtension(Extension.extendedKeyUsage, false, eku);
        java.security.cert.X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.key())));
        return new SigningCredentials(pair.getPrivate(), List.of(cert));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int indexOf(byte[] data, byte[] needle, int from) {
        for (int i = from; i + needle.length <= data.length; i++) {
            if (java.util.Arrays.equals(data, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new IllegalArgumentException("not found");
    }
}
