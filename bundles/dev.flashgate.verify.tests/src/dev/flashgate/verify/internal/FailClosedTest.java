package dev.flashgate.verify.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.ProgressListener;
import dev.flashgate.core.pkg.VerificationReport;
import dev.flashgate.core.pkg.Verdict;

/**
 * Verification fails closed: a signature built to exhaust the parser, and an {@link Error} raised
 * anywhere inside a verification, end in a typed rejection, never in a verdict-less return.
 */
class FailClosedTest {

    private static Fixtures fx;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() throws Exception {
        fx = new Fixtures();
    }

    /** {@code depth} nested SEQUENCEs around a NULL: DER with definite lengths, or BER with indefinite ones. */
    static byte[] nestedSequences(int depth, boolean indefinite) {
        if (indefinite) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < depth; i++) {
                out.write(0x30);
                out.write(0x80);
            }
            out.write(0x05);
            out.write(0x00);
            out.writeBytes(new byte[2 * depth]);
            return out.toByteArray();
        }
        byte[] inner = {0x05, 0x00};
        for (int i = 0; i < depth; i++) {
            int n = inner.length;
            byte[] length = n < 0x80 ? new byte[] {(byte) n}
                    : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n} : new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
            byte[] outer = new byte[1 + length.length + n];
            outer[0] = 0x30;
            System.arraycopy(length, 0, outer, 1, length.length);
            System.arraycopy(inner, 0, outer, 1 + length.length, n);
            inner = outer;
        }
        return inner;
    }

    private Path withSignature(byte[] signature) throws Exception {
        Map<String, byte[]> files = Fixtures.twoArtifacts();
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("manifest.json", Fixtures.manifest(files).getBytes(StandardCharsets.UTF_8));
        entries.put("manifest.json.p7s", signature);
        entries.putAll(files);
        return Fixtures.write(dir.resolve("sig-" + System.nanoTime() + ".fgp"), entries, false);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aSignatureOfThousandsOfNestedSequencesIsRefusedBeforeTheParserSeesIt(boolean ber) throws Exception {
        Path pkg = withSignature(nestedSequences(5000, ber));
        for (VerificationReport report : new VerificationReport[] {
            Fixtures.VERIFIER.verify(pkg, fx.anchors, ProgressListener.NONE),
            Fixtures.VERIFIER.inspect(pkg, fx.anchors, ProgressListener.NONE)}) {
            Fixtures.assertRejected(ErrorCode.SIG_INVALID, report);
            assertTrue(((Verdict.Rejected) report.verdict()).detail().contains("deeper than " + BerShape.MAX_DEPTH),
                    report.verdict().toString());
            assertFalse(report.manifestTrusted());
        }
        assertNull(Fixtures.VERIFIER.verify(pkg, fx.anchors, ProgressListener.NONE).manifest(),
                "an unverified manifest must not be interpreted");
        assertEquals(ErrorCode.SIG_INVALID, assertThrows(FlashgateException.class,
                () -> Fixtures.VERIFIER.open(pkg, fx.anchors, ProgressListener.NONE)).code());
    }

    @Test
    void theShapeCheckPassesRealSignaturesAndNestingUpToItsBound() throws Exception {
        BerShape.check(Fixtures.SIGNER.signDetached("{}".getBytes(StandardCharsets.UTF_8), fx.vendor));
        BerShape.check(nestedSequences(BerShape.MAX_DEPTH, false));
        BerShape.check(nestedSequences(BerShape.MAX_DEPTH, true));
        assertThrows(FlashgateException.class, () -> BerShape.check(nestedSequences(BerShape.MAX_DEPTH + 1, false)));
        assertThrows(FlashgateException.class, () -> BerShape.check(nestedSequences(BerShape.MAX_DEPTH + 1, true)));
    }

    @Test
    void theShapeCheckRefusesCutAndOverlongEncodings() {
        byte[] good = nestedSequences(3, false);
        for (byte[] bad : new byte[][] {
            {},
            Arrays.copyOf(good, good.length - 1), // cut off
            {0x30, (byte) 0x84, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}, // a length far past the end
            {0x30, (byte) 0x85, 0, 0, 0, 0, 1}, // a five-byte length
            {0x04, (byte) 0x80, 0, 0}, // a primitive element with an indefinite length
            {0x30, (byte) 0x80, 0x05, 0x00}, // no end-of-contents
            {0x30, 0x03, 0x30, (byte) 0x80, 0x00}, // an indefinite element running past its container
            {0x1f, (byte) 0x81, (byte) 0x81, (byte) 0x81, (byte) 0x81, (byte) 0x81, 0x01, 0x00}, // an endless tag number
        }) {
            FlashgateException e = assertThrows(FlashgateException.class, () -> BerShape.check(bad), Arrays.toString(bad));
            assertEquals(ErrorCode.SIG_INVALID, e.code());
        }
    }

    @Test
    void bytesAfterTheSignatureAreRefused() throws Exception {
        Map<String, byte[]> files = Fixtures.twoArtifacts();
        byte[] manifest = Fixtures.manifest(files).getBytes(StandardCharsets.UTF_8);
        byte[] signature = Fixtures.SIGNER.signDetached(manifest, fx.vendor);
        byte[] padded = Arrays.copyOf(signature, signature.length + 16);
        VerificationReport report = Fixtures.VERIFIER.verify(withSignature(padded), fx.anchors, ProgressListener.NONE);
        Fixtures.assertRejected(ErrorCode.SIG_INVALID, report);
        assertTrue(((Verdict.Rejected) report.verdict()).detail().contains("16 bytes follow"), report.verdict().toString());
    }

    @Test
    void aSignatureOverAnotherContentTypeThanDataIsRefused() throws Exception {
        Map<String, byte[]> files = Fixtures.twoArtifacts();
        byte[] manifest = Fixtures.manifest(files).getBytes(StandardCharsets.UTF_8);
        CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
        generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(fx.vendor.key()), fx.vendor.certificate()));
        generator.addCertificates(new JcaCertStore(fx.vendor.chain()));
        ASN1ObjectIdentifier tstInfo = new ASN1ObjectIdentifier("1.2.840.113549.1.9.16.1.4");
        byte[] signature = generator.generate(new CMSProcessableByteArray(tstInfo, manifest), false).getEncoded("DER");
        VerificationReport report = Fixtures.VERIFIER.verify(withSignature(signature), fx.anchors, ProgressListener.NONE);
        Fixtures.assertRejected(ErrorCode.SIG_INVALID, report);
        assertTrue(((Verdict.Rejected) report.verdict()).detail().contains(tstInfo.getId()), report.verdict().toString());
    }

    @Test
    void runningOutOfMemoryWhileHashingIsHostLowMemoryNotAVerdict() throws Exception {
        Path pkg = fx.validPackage(dir);
        ProgressListener exhausted = (done, total) -> {
            throw new OutOfMemoryError("Java heap space");
        };
        for (VerificationReport report : new VerificationReport[] {
            Fixtures.VERIFIER.verify(pkg, fx.anchors, exhausted), Fixtures.VERIFIER.inspect(pkg, fx.anchors, exhausted)}) {
            Fixtures.assertRejected(ErrorCode.HOST_LOW_MEMORY, report);
        }
        assertEquals(ErrorCode.HOST_LOW_MEMORY, assertThrows(FlashgateException.class,
                () -> Fixtures.VERIFIER.open(pkg, fx.anchors, exhausted)).code());
    }

    @Test
    void anyOtherErrorInsideAVerificationIsAnInternalRejection() throws Exception {
        Path pkg = fx.validPackage(dir);
        ProgressListener broken = (done, total) -> {
            throw new StackOverflowError();
        };
        Fixtures.assertRejected(ErrorCode.INTERNAL, Fixtures.VERIFIER.verify(pkg, fx.anchors, broken));
        ProgressListener failing = (done, total) -> {
            throw new IllegalStateException("listener broke");
        };
        Fixtures.assertRejected(ErrorCode.INTERNAL, Fixtures.VERIFIER.verify(pkg, fx.anchors, failing));
    }
}
