package dev.flashgate.verify.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.Manifest;
import dev.flashgate.core.pkg.PackRequest;
import dev.flashgate.core.pkg.ProgressListener;
import dev.flashgate.core.pkg.VerificationReport;

/** Vendor-side packing and signing: what goes into the package, and nothing half-written on failure. */
class PackageBuilderTest {

    private static Fixtures fx;
    private final FgpPackageBuilder builder = new FgpPackageBuilder();

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() throws Exception {
        fx = new Fixtures();
    }

    @Test
    void aTemplateIsMergedWithFlagsAndHashesAreComputed() throws Exception {
        Files.write(dir.resolve("modem.ubi"), Fixtures.firmware(5000, 7));
        Path template = Files.writeString(dir.resolve("template.json"), """
                {"vendor": "Template Vendor", "version": "T1", "versionCode": 1, "x-vendor-build": 42,
                 "target": {"plugin": "qualcomm-firehose", "models": ["MF833S"]},
                 "artifacts": [{"path": "images/modem.ubi", "file": "modem.ubi", "type": "image",
                                "size": 1, "sha256": "lies", "x-partition": "modem"}]}
                """);
        Path out = dir.resolve("out/pkg.fgp");
        Manifest m = builder.pack(new PackRequest(template, Map.of("version", "T2", "versionCode", 2L,
                "target.hardwareRevisions", List.of("A1", "A2")), List.of(), out, false));
        assertEquals("T2", m.version());
        assertEquals(2, m.versionCode());
        assertEquals(List.of("A1", "A2"), m.target().hardwareRevisions());
        assertEquals(5000, m.artifacts().get(0).size());
        assertEquals(Fixtures.sha256(Fixtures.firmware(5000, 7)), m.artifacts().get(0).sha256());
        assertEquals(Map.of("x-partition", "modem"), m.artifacts().get(0).extra());
        assertEquals(Map.of("x-vendor-build", 42), m.extra());
        assertTrue(Files.getPosixFilePermissions(out).contains(PosixFilePermission.OTHERS_READ));

        Fixtures.SIGNER.sign(out, fx.vendor);
        VerificationReport report = Fixtures.VERIFIER.verify(out, fx.anchors, ProgressListener.NONE);
        assertTrue(report.verified(), () -> report.verdict().toString());
        assertEquals(m, report.manifest());
        try (ZipArchive zip = ZipArchive.open(out)) {
            String json = new String(zip.reader(zip.find(Manifest.ENTRY).orElseThrow()).readAll(1 << 20), StandardCharsets.UTF_8);
            assertFalse(json.contains("\"file\""), "the template's source paths stay out of the package");
        }
    }

    @Test
    void aFailedPackLeavesNoFileAndKeepsAnOldOne() throws Exception {
        Path out = Files.writeString(dir.resolve("pkg.fgp"), "previous package");
        FlashgateException e = assertThrows(FlashgateException.class, () -> builder.pack(new PackRequest(null,
                Map.of("vendor", "V", "version", "1", "versionCode", 1L, "target.plugin", "at-ymodem",
                        "target.models", List.of("HS920S")),
                List.of(new PackRequest.Source(dir.resolve("missing.bin"), "images/a.bin", "image")), out, false)));
        assertEquals(ErrorCode.USAGE, e.code());
        assertEquals("previous package", Files.readString(out));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(out), files.toList(), "no partial file may remain");
        }
    }

    @Test
    void anIncompleteManifestIsRefusedAtPackTime() throws Exception {
        Files.write(dir.resolve("a.bin"), new byte[10]);
        FlashgateException e = assertThrows(FlashgateException.class, () -> builder.pack(new PackRequest(null,
                Map.of("vendor", "V", "version", "1", "versionCode", 1L, "target.plugin", "at-ymodem"),
                List.of(new PackRequest.Source(dir.resolve("a.bin"), "images/a.bin", null)), dir.resolve("x.fgp"), false)));
        assertEquals(ErrorCode.MANIFEST_INVALID, e.code(), e.getMessage());
        assertFalse(Files.exists(dir.resolve("x.fgp")));
    }

    @Test
    void signingABrokenPackageChangesNothing() throws Exception {
        Path pkg = fx.validPackage(dir);
        byte[] data = Files.readAllBytes(pkg);
        byte[] truncated = java.util.Arrays.copyOf(data, data.length - 7);
        Files.write(pkg, truncated);
        FlashgateException e = assertThrows(FlashgateException.class, () -> Fixtures.SIGNER.sign(pkg, fx.vendor));
        assertEquals(ErrorCode.PKG_TRUNCATED, e.code());
        assertArrayEquals(truncated, Files.readAllBytes(pkg));
    }

    @Test
    void resigningReplacesTheSignature() throws Exception {
        Path pkg = fx.validPackage(dir);
        Fixtures other = new Fixtures();
        Fixtures.SIGNER.sign(pkg, other.vendor);
        assertTrue(Fixtures.VERIFIER.verify(pkg, other.anchors, ProgressListener.NONE).verified());
        VerificationReport old = Fixtures.VERIFIER.verify(pkg, fx.anchors, ProgressListener.NONE);
        assertFalse(old.verified());
        assertNull(old.manifest());
        try (ZipArchive zip = ZipArchive.open(pkg)) {
            assertEquals(1, zip.entries().stream().filter(x -> x.name().equals(Manifest.SIGNATURE_ENTRY)).count());
        }
    }
}
