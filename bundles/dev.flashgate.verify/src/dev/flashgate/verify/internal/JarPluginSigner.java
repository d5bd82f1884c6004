package dev.flashgate.verify.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertPath;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collections;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import jdk.security.jarsigner.JarSigner;
import jdk.security.jarsigner.JarSignerException;

import org.osgi.service.component.annotations.Component;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.plugin.PluginSigner;
import dev.flashgate.core.pkg.SigningCredentials;

/**
 * Signs plugin jars with the JDK's {@code jdk.security.jarsigner} API (what {@code jarsigner}
 * runs): SHA-256 digests of every entry, the signature algorithm the key calls for, the chain
 * in the signature block.
 */
@Component(service = PluginSigner.class)
public final class JarPluginSigner implements PluginSigner {

    @Override
    public void sign(Path jar, SigningCredentials credentials) throws FlashgateException {
        Path unsigned = null;
        Path signed = null;
        try {
            Path dir = jar.toAbsolutePath().getParent();
            unsigned = Files.createTempFile(dir, ".unsigned-", ".jar");
            signed = Files.createTempFile(dir, ".signed-", ".jar");
            withoutSignatures(jar, unsigned);
            CertPath chain = CertificateFactory.getInstance("X.509").generateCertPath(credentials.chain());
            JarSigner signer = new JarSigner.Builder(credentials.key(), chain)
                    .digestAlgorithm("SHA-256")
                    .signatureAlgorithm(CmsPackageSigner.signatureAlgorithm(credentials.key()))
                    .signerName("PLUGIN")
                    .build();
            try (ZipFile in = new ZipFile(unsigned.toFile()); OutputStream out = Files.newOutputStream(signed)) {
                signer.sign(in, out);
            }
            Files.move(signed, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            signed = null;
        } catch (ZipException e) {
            throw new FlashgateException(ErrorCode.PLUGIN_NOT_A_BUNDLE, jar.getFileName() + " is not a jar: " + e.getMessage());
        } catch (IOException e) {
            throw PackageFileWriter.hostError(e);
        } catch (CertificateException | NoSuchAlgorithmException | JarSignerException | IllegalArgumentException e) {
            throw new FlashgateException(ErrorCode.USAGE, "cannot sign with this key: " + e.getMessage(), e);
        } finally {
            deleteQuietly(unsigned);
            deleteQuietly(signed);
        }
    }

    /** Copies the jar without any earlier signature: main manifest attributes, every other entry. */
    private static void withoutSignatures(Path source, Path target) throws IOException {
        try (JarFile in = new JarFile(source.toFile(), false)) {
            Manifest original = in.getManifest();
            Manifest manifest = new Manifest();
            if (original != null) {
                manifest.getMainAttributes().putAll(original.getMainAttributes());
            }
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target), manifest)) {
                for (JarEntry entry : Collections.list(in.entries())) {
                    if (entry.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME) || JarPluginVerifier.signatureFile(entry.getName())) {
                        continue;
                    }
                    JarEntry copy = new JarEntry(entry.getName());
                    copy.setTime(entry.getTime());
                    out.putNextEntry(copy);
                    try (InputStream data = in.getInputStream(entry)) {
                        data.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a temporary file left in the jar's folder is harmless and named as such
            }
        }
    }
}
