package dev.flashgate.verify.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.pkg.ProgressListener;
import dev.flashgate.core.pkg.SigningCredentials;
import dev.flashgate.core.pkg.TrustAnchors;
import dev.flashgate.core.pkg.VerificationReport;
import dev.flashgate.core.pkg.Verdict;

/**
 * Packages made the way a vendor who only read the format would make them: an OpenSSL CA and
 * vendor certificate, {@code openssl cms -sign}, and Info-ZIP. And the other way round: Flashgate's
 * signatures verify with {@code openssl cms -verify}. (OpenSSL 3.0 cannot make Ed25519 CMS
 * signatures; Flashgate's own Ed25519 signatures are covered in {@link PackageVerifierTest}.)
 */
class OpensslInteropTest {

    @TempDir
    static Path work;

    private static TrustAnchors anchors;

    @BeforeAll
    static void opensslCa() throws Exception {
        assumeTrue(onPath("openssl") && onPath("zip"), "openssl and zip are needed (run-tests installs them)");
        openssl(work, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "30", "-subj", "/O=Example/CN=Example Vendor CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        anchors = new TrustAnchors(PemCertificates.read(work.resolve("ca.pem")), "openssl CA");
        vendorCert("vendor", "ec", List.of("-pkeyopt", "ec_paramgen_curve:P-256"), "extendedKeyUsage=codeSigning");
    }

    /** A vendor key and certificate issued by the OpenSSL CA. */
    private static void vendorCert(String name, String algorithm, List<String> keyOptions, String eku) throws Exception {
        vendorCert(name, algorithm, keyOptions, eku, "ca", "-sha256");
    }

    /** The same, issued by the CA {@code ca} ({@code ca.pem}, {@code ca.key}) with the digest {@code digest}. */
    private static void vendorCert(String name, String algorithm, List<String> keyOptions, String eku, String ca, String digest)
            throws Exception {
        List<String> req = new ArrayList<>(List.of("req", "-new", "-newkey", algorithm));
        req.addAll(keyOptions);
        req.addAll(List.of("-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/O=Example/CN=" + name));
        openssl(work, req.toArray(String[]::new));
        Files.writeString(work.resolve(name + ".ext"),
                "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n" + eku + "\n");
        openssl(work, "x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key", "-CAcreateserial",
                "-out", name + ".pem", "-days", "10", "-extfile", name + ".ext", digest);
    }

    /** What a test changes in an OpenSSL-made package, at each step of making it. */
    private interface Tamper {
        default String manifest(String json) {
            return json;
        }

        default void afterSigning(Path dir) throws Exception {
        }

        default List<String> extraEntries() {
            return List.of();
        }

        default void afterZipping(Path pkg) throws Exception {
        }
    }

    private static final Tamper NONE = new Tamper() {
    };

    private static Path opensslPackage(String signer, List<String> cmsOptions, List<String> zipOptions, boolean tamper)
            throws Exception {
        return opensslPackage(signer, cmsOptions, zipOptions, !tamper ? NONE : new Tamper() {
            @Override
            public void afterSigning(Path dir) throws Exception {
                byte[] image = Files.readAllBytes(dir.resolve("images/boot.img"));
                image[100] ^= 1;
                Files.write(dir.resolve("images/boot.img"), image);
            }
        });
    }

    /** A package: manifest with hashes from openssl dgst, signed by openssl cms, zipped by Info-ZIP. */
    private static Path opensslPackage(String signer, List<String> cmsOptions, List<String> zipOptions, Tamper tamper)
            throws Exception {
        Path dir = Files.createTempDirectory(work, "pkg");
        Files.createDirectories(dir.resolve("images"));
        Files.write(dir.resolve("images/modem.ubi"), Fixtures.firmware(250_000, 5));
        Files.write(dir.resolve("images/boot.img"), Fixtures.firmware(20_000, 6));
        String manifest = tamper.manifest("""
                {"format": "flashgate-package/1", "vendor": "Example", "version": "EX_1.0", "versionCode": 10,
                 "target": {"plugin": "qualcomm-firehose", "models": ["MF833S"]},
                 "artifacts": [
                   {"path": "images/modem.ubi", "size": 250000, "sha256": "%s", "type": "image"},
                   {"path": "images/boot.img", "size": 20000, "sha256": "%s"}]}
                """.formatted(dgst(dir, "images/modem.ubi"), dgst(dir, "images/boot.img")));
        Files.writeString(dir.resolve("manifest.json"), manifest);
        List<String> sign = new ArrayList<>(List.of("cms", "-sign", "-binary", "-in", "manifest.json",
                "-signer", work.resolve(signer + ".pem").toString(), "-inkey", work.resolve(signer + ".key").toString(),
                "-outform", "DER", "-out", "manifest.json.p7s"));
        sign.addAll(cmsOptions);
        openssl(dir, sign.toArray(String[]::new));
        tamper.afterSigning(dir);
        List<String> zip = new ArrayList<>(List.of("zip", "-X", "-q"));
        zip.addAll(zipOptions);
        zip.addAll(List.of("pkg.fgp", "manifest.json", "manifest.json.p7s", "images/modem.ubi", "images/boot.img"));
        zip.addAll(tamper.extraEntries());
        run(dir, zip.toArray(String[]::new));
        Path pkg = dir.resolve("pkg.fgp");
        tamper.afterZipping(pkg);
        return pkg;
    }

    private static VerificationReport verify(Path pkg) {
        return Fixtures.VERIFIER.verify(pkg, anchors, ProgressListener.NONE);
    }

    @Test
    void anOpensslSignedInfoZipPackageVerifies() throws Exception {
        VerificationReport report = verify(opensslPackage("vendor", List.of(), List.of(), false));
        assertTrue(report.verified(), () -> report.verdict().toString());
        assertEquals("SHA-256", report.signature().digestAlgorithm());
    }

    @Test
    void deflatedZip64AndNoSignedAttributesVerifyToo() throws Exception {
        VerificationReport zip64 = verify(opensslPackage("vendor", List.of(), List.of("-fz", "-9"), false));
        assertTrue(zip64.verified(), () -> zip64.verdict().toString());
        VerificationReport noAttributes = verify(opensslPackage("vendor", List.of("-noattr", "-md", "sha512"), List.of("-0"), false));
        assertTrue(noAttributes.verified(), () -> noAttributes.verdict().toString());
    }

    @Test
    void rsaPssSignersAreAccepted() throws Exception {
        vendorCert("pss", "rsa", List.of("-pkeyopt", "rsa_keygen_bits:2048"), "extendedKeyUsage=codeSigning");
        VerificationReport pss = verify(opensslPackage("pss", List.of("-keyopt", "rsa_padding_mode:pss"), List.of(), false));
        assertTrue(pss.verified(), () -> pss.verdict().toString());
        assertEquals("RSASSA-PSS", pss.signature().signatureAlgorithm());
    }

    @Test
    void opensslMadeRejections() throws Exception {
        assertCode(ErrorCode.HASH_MISMATCH, verify(opensslPackage("vendor", List.of(), List.of(), true)));
        assertCode(ErrorCode.SIG_ALGORITHM_REJECTED, verify(opensslPackage("vendor", List.of("-md", "sha1"), List.of(), false)));
        vendorCert("weak", "rsa", List.of("-pkeyopt", "rsa_keygen_bits:1024"), "extendedKeyUsage=codeSigning");
        assertCode(ErrorCode.SIG_ALGORITHM_REJECTED, verify(opensslPackage("weak", List.of(), List.of(), false)));
        vendorCert("tls", "ec", List.of("-pkeyopt", "ec_paramgen_curve:P-256"), "extendedKeyUsage=serverAuth");
        assertCode(ErrorCode.SIG_CERT_USAGE, verify(opensslPackage("tls", List.of(), List.of(), false)));
        VerificationReport stranger = Fixtures.VERIFIER.verify(opensslPackage("vendor", List.of(), List.of(), false),
                new TrustAnchors(List.of(new Fixtures().ca.certificate()), "another CA"), ProgressListener.NONE);
        assertCode(ErrorCode.SIG_UNTRUSTED, stranger);
    }

    @Test
    void opensslMadeContainerAndManifestRejections() throws Exception {
        assertCode(ErrorCode.SIG_INVALID, verify(opensslPackage("vendor", List.of(), List.of(), new Tamper() {
            @Override
            public void afterSigning(Path dir) throws Exception {
                Files.writeString(dir.resolve("manifest.json"),
                        Files.readString(dir.resolve("manifest.json")).replace("\"versionCode\": 10", "\"versionCode\": 99"));
            }
        })));
        Path other = opensslPackage("vendor", List.of(), List.of(), new Tamper() {
            @Override
            public String manifest(String json) {
                return json.replace("EX_1.0", "EX_2.0");
            }
        });
        assertCode(ErrorCode.SIG_INVALID, verify(opensslPackage("vendor", List.of(), List.of(), new Tamper() {
            @Override
            public void afterSigning(Path dir) throws Exception {
                run(other.getParent(), "cp", "manifest.json.p7s", dir.resolve("manifest.json.p7s").toString());
            }
        })));
        assertCode(ErrorCode.PKG_TRUNCATED, verify(opensslPackage("vendor", List.of(), List.of(), new Tamper() {
            @Override
            public void afterZipping(Path pkg) throws Exception {
                run(pkg.getParent(), "truncate", "-s", "-100", pkg.toString());
            }
        })));
        assertCode(ErrorCode.PKG_NOT_ZIP, verify(opensslPackage("vendor", List.of(), List.of(), new Tamper() {
            @Override
            public void afterZipping(Path pkg) throws Exception {
                Files.write(pkg, "garbage".getBytes(StandardCharsets.US_ASCII), java.nio.file.StandardOpenOption.APPEND);
            }
        })));
        assertCode(ErrorCode.PKG_UNLISTED_ENTRY, verify(opensslPackage("vendor", List.of(), List.of(), new Tamper() {
            @Override
            public void afterSigning(Path dir) throws Exception {
                Files.writeString(dir.resolve("images/extra.bin"), "not in the manifest");
            }

            @Override
            public List<String> extraEntries() {
                return List.of("images/extra.bin");
            }
        })));
        assertCode(ErrorCode.PKG_DUPLICATE_ENTRY, verify(opensslPackage("vendor", List.of(), List.of(), new Tamper() {
            @Override
            public void afterSigning(Path dir) throws Exception {
                Files.writeString(dir.resolve("images/BOOT.img"), "same name on a case-insensitive disk");
            }

            @Override
            public List<String> extraEntries() {
                return List.of("images/BOOT.img");
            }
        })));
        assertCode(ErrorCode.PKG_MISSING_ENTRY, verify(opensslPackage("vendor", List.of(), List.of(), new Tamper() {
            @Override
            public void afterZipping(Path pkg) throws Exception {
                run(pkg.getParent(), "zip", "-q", "-d", pkg.toString(), "images/boot.img");
            }
        })));
        assertCode(ErrorCode.SIZE_MISMATCH, verify(opensslPackage("vendor", List.of(), List.of(), new Tamper() {
            @Override
            public String manifest(String json) {
                return json.replace("\"size\": 20000", "\"size\": 20001");
            }
        })));
        assertCode(ErrorCode.MANIFEST_INVALID, verify(opensslPackage("vendor", List.of(), List.of(), new Tamper() {
            @Override
            public String manifest(String json) {
                return json.replaceFirst("\"sha256\": \"[0-9a-f]{64}\", ", "");
            }
        })));
        assertCode(ErrorCode.MANIFEST_UNSUPPORTED_FORMAT, verify(opensslPackage("vendor", List.of(), List.of(), new Tamper() {
            @Override
            public String manifest(String json) {
                return json.replace("flashgate-package/1", "flashgate-package/9");
            }
        })));
        assertCode(ErrorCode.PKG_TOO_LARGE, verify(opensslPackage("vendor", List.of(), List.of("-9"), new Tamper() {
            @Override
            public void afterSigning(Path dir) throws Exception {
                Files.write(dir.resolve("images/zeros.bin"), new byte[32 << 20]);
            }

            @Override
            public List<String> extraEntries() {
                return List.of("images/zeros.bin");
            }
        })));
        FgpPackageVerifier later = new FgpPackageVerifier(Clock.fixed(Instant.now().plus(Duration.ofDays(30)), ZoneOffset.UTC), 2);
        assertCode(ErrorCode.SIG_CERT_EXPIRED, later.verify(opensslPackage("vendor", List.of(), List.of(), NONE), anchors,
                ProgressListener.NONE));
    }

    @Test
    void aPathTraversalEntryWrittenByPythonZipfileIsRefused() throws Exception {
        assumeTrue(onPath("python3"), "python3 writes the hostile archive");
        Path pkg = opensslPackage("vendor", List.of(), List.of(), new Tamper() {
            @Override
            public void afterZipping(Path pkg) throws Exception {
                run(pkg.getParent(), "python3", "-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1], 'a')"
                        + ".writestr('../../etc/cron.d/evil', 'x')", pkg.toString());
            }
        });
        assertCode(ErrorCode.PKG_BAD_ENTRY_NAME, verify(pkg));
    }

    /** The chain is held to the signer's rules: no SHA-1 signature below the anchor, no weak key anywhere in it. */
    @Test
    void weakCryptographyAnywhereInTheChainIsRefused() throws Exception {
        vendorCert("sha1signed", "ec", List.of("-pkeyopt", "ec_paramgen_curve:P-256"), "extendedKeyUsage=codeSigning", "ca", "-sha1");
        VerificationReport sha1 = verify(opensslPackage("sha1signed", List.of(), List.of(), false));
        assertCode(ErrorCode.SIG_ALGORITHM_REJECTED, sha1);
        assertTrue(((Verdict.Rejected) sha1.verdict()).detail().contains("signed with SHA1"), sha1.verdict().toString());

        openssl(work, "req", "-x509", "-newkey", "rsa", "-pkeyopt", "rsa_keygen_bits:1024", "-nodes", "-keyout", "weakca.key",
                "-out", "weakca.pem", "-days", "30", "-subj", "/O=Example/CN=Weak CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        vendorCert("underweak", "ec", List.of("-pkeyopt", "ec_paramgen_curve:P-256"), "extendedKeyUsage=codeSigning", "weakca",
                "-sha256");
        VerificationReport weakAnchor = Fixtures.VERIFIER.verify(opensslPackage("underweak", List.of(), List.of(), false),
                new TrustAnchors(PemCertificates.read(work.resolve("weakca.pem")), "weak CA"), ProgressListener.NONE);
        assertCode(ErrorCode.SIG_ALGORITHM_REJECTED, weakAnchor);
        assertTrue(((Verdict.Rejected) weakAnchor.verdict()).detail().contains("RSA key of 1024 bits"), weakAnchor.verdict().toString());
    }

    /** Python's zipfile rewrites the package with its ZIP64 limit lowered to {@code limit}, as it writes past 2 GiB. */
    private static Tamper zipfileZip64(int limit, boolean disagree) {
        return new Tamper() {
            @Override
            public void afterZipping(Path pkg) throws Exception {
                run(pkg.getParent(), "python3", "-c", """
                        import sys, zipfile
                        zipfile.ZIP64_LIMIT = int(sys.argv[2])
                        src = zipfile.ZipFile(sys.argv[1])
                        items = [(i, src.read(i)) for i in src.infolist()]
                        src.close()
                        with zipfile.ZipFile(sys.argv[1], 'w') as z:
                            for info, data in items:
                                z.writestr(info, data)
                        if sys.argv[3] == 'disagree':  # the end record counts one entry fewer than the ZIP64 one
                            data = bytearray(open(sys.argv[1], 'rb').read())
                            data[-12] -= 1
                            data[-14] -= 1
                            open(sys.argv[1], 'wb').write(data)
                        """, pkg.toString(), Integer.toString(limit), disagree ? "disagree" : "agree");
            }
        };
    }

    @Test
    void zip64EndRecordsAsPythonZipfileWritesThemAreRead() throws Exception {
        assumeTrue(onPath("python3"), "python3 writes the archives");
        // 265000: above every entry, below the central directory's offset: only the end records are ZIP64, as past
        // 2 GiB (the end record then holds the true values, no field needs the ZIP64 one); 16: everything is ZIP64
        for (int limit : new int[] {265_000, 16}) {
            VerificationReport report = verify(opensslPackage("vendor", List.of(), List.of(), zipfileZip64(limit, false)));
            assertTrue(report.verified(), () -> limit + ": " + report.verdict());
        }
        assertCode(ErrorCode.PKG_NOT_ZIP, verify(opensslPackage("vendor", List.of(), List.of(), zipfileZip64(265_000, true))));
    }

    /** What Info-ZIP's unzip would show as another file, or refuse, Flashgate refuses; made with Info-ZIP and Python. */
    @Test
    void whatUnzipShowsOtherwiseOrRefusesIsRefused() throws Exception {
        assumeTrue(onPath("python3") && onPath("unzip"), "python3 writes the archives, unzip reads them");
        assertCode(ErrorCode.PKG_BAD_ENTRY_NAME, verify(opensslPackage("vendor", List.of(), List.of("-y"), new Tamper() {
            @Override
            public void afterSigning(Path dir) throws Exception {
                Files.createSymbolicLink(dir.resolve("images/link"), Path.of("/etc/passwd"));
            }

            @Override
            public List<String> extraEntries() {
                return List.of("images/link");
            }
        })));

        Path renamed = opensslPackage("vendor", List.of(), List.of(), python("""
                import sys, struct, zipfile, zlib
                src = zipfile.ZipFile(sys.argv[1])
                items = [(i, src.read(i)) for i in src.infolist()]
                src.close()
                with zipfile.ZipFile(sys.argv[1], 'w') as z:
                    for info, data in items:
                        if info.filename == 'images/boot.img':
                            other = b'images/evil.img'
                            info.extra = struct.pack('<HHBI', 0x7075, 5 + len(other), 1, zlib.crc32(info.filename.encode())) + other
                        z.writestr(info, data)
                """));
        assertTrue(run(renamed.getParent(), "unzip", "-Z1", renamed.toString()).contains("images/evil.img"));
        assertCode(ErrorCode.PKG_BAD_ENTRY_NAME, verify(renamed));

        Path lying = opensslPackage("vendor", List.of(), List.of(), python("""
                import sys, struct, zipfile
                with zipfile.ZipFile(sys.argv[1]) as z:
                    info = z.getinfo('images/boot.img')
                data = bytearray(open(sys.argv[1], 'rb').read())
                bad = struct.pack('<I', info.CRC ^ 1)
                data[info.header_offset + 14:info.header_offset + 18] = bad
                at = data.find(b'PK\\x01\\x02')
                while at >= 0:
                    n = struct.unpack_from('<H', data, at + 28)[0]
                    if data[at + 46:at + 46 + n] == b'images/boot.img':
                        data[at + 16:at + 20] = bad
                    at = data.find(b'PK\\x01\\x02', at + 1)
                open(sys.argv[1], 'wb').write(data)
                """));
        assertTrue(exitOf(lying.getParent(), "unzip", "-tqq", lying.toString()) != 0, "unzip -t accepts a lying CRC-32");
        assertCode(ErrorCode.PKG_CORRUPT, verify(lying));
    }

    /** Runs a Python script on the zipped package ({@code sys.argv[1]}). */
    private static Tamper python(String script) {
        return new Tamper() {
            @Override
            public void afterZipping(Path pkg) throws Exception {
                run(pkg.getParent(), "python3", "-c", script, pkg.toString());
            }
        };
    }

    @Test
    void flashgateSignaturesVerifyWithOpenssl() throws Exception {
        Fixtures fx = new Fixtures();
        SigningCredentials vendor = fx.vendor;
        Path dir = Files.createTempDirectory(work, "fg");
        byte[] manifest = Fixtures.manifest(Map.of("images/a.bin", new byte[] {1, 2, 3})).getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("manifest.json"), manifest);
        Files.write(dir.resolve("manifest.json.p7s"), Fixtures.SIGNER.signDetached(manifest, vendor));
        Files.writeString(dir.resolve("ca.pem"), PemCertificates.toPem(List.of(fx.ca.certificate())));
        openssl(dir, "cms", "-verify", "-binary", "-inform", "DER", "-in", "manifest.json.p7s", "-content", "manifest.json",
                "-CAfile", "ca.pem", "-purpose", "any", "-out", "verified.json");
        assertEquals(new String(manifest, StandardCharsets.UTF_8), Files.readString(dir.resolve("verified.json")));
    }

    private static void assertCode(ErrorCode expected, VerificationReport report) {
        Verdict.Rejected r = assertInstanceOf(Verdict.Rejected.class, report.verdict(), "expected " + expected);
        assertEquals(expected, r.code(), r.detail());
    }

    private static String dgst(Path dir, String file) throws Exception {
        String out = run(dir, "openssl", "dgst", "-sha256", "-r", file);
        return out.substring(0, 64);
    }

    private static String openssl(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        return run(dir, command.toArray(String[]::new));
    }

    private static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + command[0]);
        assertEquals(0, p.exitValue(), String.join(" ", command) + "\n" + out);
        return out;
    }

    private static int exitOf(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + command[0]);
        return p.exitValue();
    }

    private static boolean onPath(String tool) {
        try {
            return new ProcessBuilder("sh", "-c", "command -v " + tool).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
