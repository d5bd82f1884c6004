package dev.flashgate.verify.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipException;

import org.osgi.service.component.annotations.Component;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.CertificateInfo;
import dev.flashgate.core.pkg.TrustAnchors;
import dev.flashgate.core.plugin.PluginSignature;
import dev.flashgate.core.plugin.PluginVerifier;

/**
 * Plugin jars checked with the JDK's jar verification (every entry read, so each digest is
 * compared with the signed manifest) and the same certificate rules as packages: one signer for
 * every file, code signing usage, valid now, a chain to the plugin trust anchors.
 */
@Component(service = PluginVerifier.class)
public final class JarPluginVerifier implements PluginVerifier {

    private final Clock clock;

    public JarPluginVerifier() {
        this(Clock.systemUTC());
    }

    JarPluginVerifier(Clock clock) {
        this.clock = clock;
    }

    @Override
    public PluginSignature verify(Path file, TrustAnchors anchors) throws FlashgateException {
        try (JarFile jar = new JarFile(file.toFile(), true)) {
            String[] bundle = bundle(jar.getManifest());
            CodeSigner signer = null;
            int signed = 0;
            int unsigned = 0;
            String firstUnsigned = null;
            byte[] buffer = new byte[64 * 1024];
            for (JarEntry entry : Collections.list(jar.entries())) {
                if (entry.isDirectory() || signatureFile(entry.getName())) {
                    continue;
                }
                try (InputStream in = jar.getInputStream(entry)) {
                    while (in.read(buffer) >= 0) {
                        // reading to the end is what makes the JDK compare the entry's digest
                    }
                } catch (SecurityException e) {
                    throw new FlashgateException(ErrorCode.PLUGIN_TAMPERED, entry.getName() + ": " + e.getMessage());
                }
                CodeSigner[] signers = entry.getCodeSigners();
                if (signers == null || signers.length == 0) {
                    unsigned++;
                    firstUnsigned = firstUnsigned == null ? entry.getName() : firstUnsigned;
                    continue;
                }
                if (signers.length > 1 || signer != null && !signer.equals(signers[0])) {
                    throw new FlashgateException(ErrorCode.PLUGIN_TAMPERED, entry.getName() + " is signed by another signer than the "
                            + "rest of the plugin");
                }
                signer = signers[0];
                signed++;
            }
            for (String listed : jar.getManifest().getEntries().keySet()) {
                if (jar.getEntry(listed) == null) {
                    throw new FlashgateException(ErrorCode.PLUGIN_TAMPERED, listed + " is in the signed manifest but not in the jar");
                }
            }
            if (signer == null) {
                throw new FlashgateException(ErrorCode.PLUGIN_UNSIGNED, file.getFileName() + " has no jar signature");
            }
            if (unsigned > 0) {
                throw new FlashgateException(ErrorCode.PLUGIN_TAMPERED, unsigned + " file(s) the signature does not cover, the first "
                        + firstUnsigned);
            }
            List<X509Certificate> carried = signer.getSignerCertPath().getCertificates().stream().map(X509Certificate.class::cast)
                    .toList();
            X509Certificate cert = carried.get(0);
            CmsSignatureCheck.checkValidity(cert, clock.instant());
            CmsSignatureCheck.checkUsage(cert);
            List<X509Certificate> chain;
            try {
                chain = CmsSignatureCheck.chain(cert, carried, anchors, clock.instant());
            } catch (FlashgateException e) {
                throw e.code() == ErrorCode.SIG_UNTRUSTED ? new FlashgateException(ErrorCode.PLUGIN_UNTRUSTED, e.detail()) : e;
            }
            return new PluginSignature(bundle[0], bundle[1], CertificateInfo.of(cert), chain.stream().map(CertificateInfo::of).toList(),
                    signed);
        } catch (ZipException e) {
            throw new FlashgateException(ErrorCode.PLUGIN_NOT_A_BUNDLE, file.getFileName() + " is not a jar: " + e.getMessage());
        } catch (SecurityException e) {
            throw new FlashgateException(ErrorCode.PLUGIN_TAMPERED, file.getFileName() + ": " + e.getMessage());
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.PLUGIN_NOT_A_BUNDLE, file + " cannot be read: " + e.getMessage());
        }
    }

    /** Bundle-SymbolicName (without its directives) and Bundle-Version, or why the jar is no bundle. */
    private static String[] bundle(Manifest manifest) throws FlashgateException {
        String name = manifest == null ? null : manifest.getMainAttributes().getValue("Bundle-SymbolicName");
        if (name == null || name.isBlank()) {
            throw new FlashgateException(ErrorCode.PLUGIN_NOT_A_BUNDLE, "the jar's manifest names no Bundle-SymbolicName");
        }
        String version = manifest.getMainAttributes().getValue("Bundle-Version");
        return new String[] {name.split(";")[0].trim(), version == null ? "0.0.0" : version.trim()};
    }

    /** The manifest and the signature block files, which the signature does not cover itself. */
    static boolean signatureFile(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (!upper.startsWith("META-INF/") || upper.indexOf('/', "META-INF/".length()) >= 0) {
            return false;
        }
        return upper.equals("META-INF/MANIFEST.MF") || upper.endsWith(".SF") || upper.endsWith(".RSA") || upper.endsWith(".DSA")
                || upper.endsWith(".EC") || upper.startsWith("META-INF/SIG-");
    }
}
