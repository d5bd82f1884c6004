package dev.flashgate.verify.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.SigningCredentials;
import dev.flashgate.core.pkg.TrustAnchors;
import dev.flashgate.core.plugin.PluginSignature;

/** Plugin jars signed with the JDK's jarsigner, as vendors sign theirs, then checked as a station would. */
class PluginVerifierTest {

    @TempDir
    Path dir;

    private final JarPluginVerifier verifier = new JarPluginVerifier();
    private Fixtures f;

    @BeforeEach
    void setUp() throws Exception {
        f = new Fixtures();
    }

    /** A small bundle: manifest, a class-like file and a resource. */
    private Path bundle(String name) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        m.getMainAttributes().putValue("Bundle-SymbolicName", "com.example.plugin.x100;singleton:=true");
        m.getMainAttributes().putValue("Bundle-Version", "1.2.3");
        Path jar = dir.resolve(name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m)) {
            for (Map.Entry<String, byte[]> e : Map.of("com/example/plugin/X100.class", Fixtures.firmware(3000, 1),
                    "OSGI-INF/com.example.plugin.X100.xml", "<component/>".getBytes(StandardCharsets.UTF_8)).entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        return jar;
    }

    /** Signs {@code jar} with {@code who} (and its chain) using the JDK's jarsigner. */
    private Path sign(Path jar, SigningCredentials who) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("vendor", who.key(), "secret".toCharArray(), who.chain().toArray(Certificate[]::new));
        Path store = dir.resolve("vendor.p12");
        try (OutputStream out = Files.newOutputStream(store)) {
            ks.store(out, "secret".toCharArray());
        }
        Path signed = dir.resolve("signed-" + jar.getFileName());
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jarsigner").toString(), "-keystore",
                store.toString(), "-storetype", "PKCS12", "-storepass", "secret", "-digestalg", "SHA-256", "-signedjar",
                signed.toString(), jar.toString(), "vendor").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return signed;
    }

    /** A copy of {@code jar} with its entries passed through {@code change} (null drops an entry). */
    private Path rewrite(Path jar, String name, UnaryOperator<Map.Entry<String, byte[]>> change, Map.Entry<String, byte[]> extra)
            throws IOException {
        Path out = dir.resolve(name);
        try (JarFile in = new JarFile(jar.toFile(), false); OutputStream file = Files.newOutputStream(out);
                java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(file)) {
            for (ZipEntry e : Collections.list(in.entries())) {
                byte[] data;
                try (InputStream s = in.getInputStream(e)) {
                    data = s.readAllBytes();
                }
                Map.Entry<String, byte[]> changed = change.apply(Map.entry(e.getName(), data));
                if (changed != null) {
                    zip.putNextEntry(new ZipEntry(changed.getKey()));
                    zip.write(changed.getValue());
                    zip.closeEntry();
                }
            }
            if (extra != null) {
                zip.putNextEntry(new ZipEntry(extra.getKey()));
                zip.write(extra.getValue());
                zip.closeEntry();
            }
        }
        return out;
    }

    private ErrorCode refused(Path jar, TrustAnchors anchors) {
        return assertThrows(FlashgateException.class, () -> verifier.verify(jar, anchors)).code();
    }

    @Test
    void aPluginSignedByATrustedVendorIsAccepted() throws Exception {
        PluginSignature s = verifier.verify(sign(bundle("x100.jar"), f.vendor), f.anchors);
        assertEquals("com.example.plugin.x100", s.symbolicName());
        assertEquals("1.2.3", s.version());
        assertEquals(2, s.signedEntries());
        assertEquals(f.vendor.certificate().getSubjectX500Principal().getName(), s.signer().subject());
        assertEquals(2, s.chain().size(), "signer and anchor");
    }

    @Test
    void unsignedUntrustedOrNoBundleIsRefused() throws Exception {
        assertEquals(ErrorCode.PLUGIN_UNSIGNED, refused(bundle("plain.jar"), f.anchors));
        Path signed = sign(bundle("x100.jar"), f.vendor);
        Fixtures stranger = new Fixtures();
        assertEquals(ErrorCode.PLUGIN_UNTRUSTED, refused(signed, stranger.anchors));
        assertEquals(ErrorCode.PLUGIN_UNTRUSTED, refused(signed, new TrustAnchors(List.of(), "no plugin anchors")),
                "no anchors: fail closed");
        assertEquals(ErrorCode.PLUGIN_NOT_A_BUNDLE, refused(Files.writeString(dir.resolve("x.jar"), "not a zip"), f.anchors));
        SigningCredentials expired = Fixtures.expiredVendor(f.ca);
        assertEquals(ErrorCode.SIG_CERT_EXPIRED, refused(sign(bundle("old.jar"), expired), f.anchors));
    }

    @Test
    void aChangedAddedOrRemovedFileIsTampering() throws Exception {
        Path signed = sign(bundle("x100.jar"), f.vendor);
        Path changed = rewrite(signed, "changed.jar", e -> e.getKey().endsWith("X100.class")
                ? Map.entry(e.getKey(), Fixtures.firmware(3000, 2)) : e, null);
        assertEquals(ErrorCode.PLUGIN_TAMPERED, refused(changed, f.anchors));
        Path added = rewrite(signed, "added.jar", e -> e, Map.entry("com/example/plugin/Backdoor.class", new byte[] {1, 2, 3}));
        assertEquals(ErrorCode.PLUGIN_TAMPERED, refused(added, f.anchors));
        Path removed = rewrite(signed, "removed.jar", e -> e.getKey().endsWith(".xml") ? null : e, null);
        assertEquals(ErrorCode.PLUGIN_TAMPERED, refused(removed, f.anchors));
    }

    @Test
    void flashgateSignsPluginsAsJarsignerDoesAndReplacesAnEarlierSigner() throws Exception {
        Path jar = bundle("x100.jar");
        new JarPluginSigner().sign(jar, f.vendor);
        PluginSignature s = verifier.verify(jar, f.anchors);
        assertEquals(f.vendor.certificate().getSubjectX500Principal().getName(), s.signer().subject());
        assertEquals(2, s.signedEntries());
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jarsigner").toString(), "-verify",
                jar.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        assertTrue(out.contains("jar verified"), out);

        Fixtures station = new Fixtures();
        Path resigned = sign(bundle("y200.jar"), f.vendor);
        new JarPluginSigner().sign(resigned, station.vendor);
        assertEquals(station.vendor.certificate().getSubjectX500Principal().getName(),
                verifier.verify(resigned, station.anchors).signer().subject(), "one signer, the new one");
        assertEquals(ErrorCode.PLUGIN_UNTRUSTED, refused(resigned, f.anchors));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(x -> x.getFileName().toString().startsWith(".")).toList(), "no temporary files left");
        }
    }
}
