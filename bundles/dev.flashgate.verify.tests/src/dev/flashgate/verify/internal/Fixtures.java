package dev.flashgate.verify.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.KeyRequest;
import dev.flashgate.core.pkg.SigningCredentials;
import dev.flashgate.core.pkg.TrustAnchors;
import dev.flashgate.core.pkg.VerificationReport;
import dev.flashgate.core.pkg.Verdict;

/** Keys, manifests and hand-made archives for verification tests. */
final class Fixtures {
    static final PemSigningKeys KEYS = new PemSigningKeys(Clock.systemUTC());
    static final CmsPackageSigner SIGNER = new CmsPackageSigner();
    static final FgpPackageVerifier VERIFIER = new FgpPackageVerifier(Clock.systemUTC(), 2);

    final SigningCredentials ca;
    final SigningCredentials vendor;
    final TrustAnchors anchors;

    Fixtures() throws FlashgateException {
        ca = KEYS.generate(new KeyRequest("CN=Test Vendor CA, O=Flashgate Tests", KeyRequest.KeyType.EC_P256,
                Duration.ofDays(30), true, null));
        vendor = KEYS.generate(new KeyRequest("CN=Test Vendor Firmware Signing", KeyRequest.KeyType.EC_P256,
                Duration.ofDays(10), false, ca));
        anchors = new TrustAnchors(List.of(ca.certificate()), "test anchors");
    }

    /** The report's verdict is a rejection with {@code expected}. */
    static void assertRejected(ErrorCode expected, VerificationReport report) {
        Verdict.Rejected rejected = assertInstanceOf(Verdict.Rejected.class, report.verdict(),
                "expected " + expected + " but the package verified");
        assertEquals(expected, rejected.code(), rejected.detail());
        assertFalse(report.verified());
    }

    static SigningCredentials expiredVendor(SigningCredentials issuer) throws FlashgateException {
        PemSigningKeys past = new PemSigningKeys(Clock.fixed(Instant.now().minus(Duration.ofDays(20)), ZoneOffset.UTC));
        return past.generate(new KeyRequest("CN=Expired Signer", KeyRequest.KeyType.EC_P256, Duration.ofDays(1), false, issuer));
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] firmware(int size, int seed) {
        byte[] data = new byte[size];
        new java.util.Random(seed).nextBytes(data);
        return data;
    }

    /** A manifest for the given artifacts (path to bytes), as JSON text. */
    static String manifest(Map<String, byte[]> artifacts) {
        StringBuilder list = new StringBuilder();
        artifacts.forEach((path, data) -> list.append(list.isEmpty() ? "" : ",\n    ")
                .append("{\"path\": \"").append(path).append("\", \"size\": ").append(data.length)
                .append(", \"sha256\": \"").append(sha256(data)).append("\", \"type\": \"image\"}"));
        return """
                {
                  "format": "flashgate-package/1",
                  "vendor": "Test Vendor",
                  "title": "MF833S firmware T01",
                  "version": "FG_MF833S_T01",
                  "versionCode": 101,
                  "securityVersion": 2,
                  "target": {"plugin": "qualcomm-firehose", "chipset": "MDM9x07", "models": ["MF833S"]},
                  "artifacts": [
                    %s
                  ],
                  "notes": "test package",
                  "x-build": {"host": "ci", "number": 7}
                }
                """.formatted(list);
    }

    static Map<String, byte[]> twoArtifacts() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("images/modem.ubi", firmware(300_000, 1));
        files.put("images/boot.img", firmware(70_000, 2));
        return files;
    }

    /** A package: manifest, its signature by {@code signer}, then the files, written with the JDK's ZIP writer. */
    Path signedPackage(Path dir, String manifest, SigningCredentials signer, Map<String, byte[]> files) throws Exception {
        byte[] manifestBytes = manifest.getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("manifest.json", manifestBytes);
        entries.put("manifest.json.p7s", SIGNER.signDetached(manifestBytes, signer));
        entries.putAll(files);
        return write(dir.resolve("pkg-" + System.nanoTime() + ".fgp"), entries, false);
    }

    Path validPackage(Path dir) throws Exception {
        Map<String, byte[]> files = twoArtifacts();
        return signedPackage(dir, manifest(files), vendor, files);
    }

    static Path write(Path file, Map<String, byte[]> entries, boolean deflate) throws IOException {
        Files.write(file, zip(entries, deflate));
        return file;
    }

    static byte[] zip(Map<String, byte[]> entries, boolean deflate) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                if (!deflate) {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(e.getValue().length);
                    entry.setCompressedSize(e.getValue().length);
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    /** Replaces every occurrence of {@code from} by {@code to} (same length) in the file's bytes. */
    static void patch(Path file, String from, String to) throws IOException {
        byte[] data = Files.readAllBytes(file);
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        if (f.length != t.length) {
            throw new IllegalArgumentException("patch must keep the length");
        }
        int hits = 0;
        for (int i = 0; i + f.length <= data.length; i++) {
            if (java.util.Arrays.equals(data, i, i + f.length, f, 0, f.length)) {
                System.arraycopy(t, 0, data, i, t.length);
                hits++;
            }
        }
        if (hits == 0) {
            throw new IllegalArgumentException(from + " not found");
        }
        Files.write(file, data);
    }
}
