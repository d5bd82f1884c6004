package dev.flashgate.verify.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.FlashgateHome;
import dev.flashgate.core.pkg.CertificateInfo;
import dev.flashgate.core.pkg.TrustAnchors;
import dev.flashgate.core.pkg.TrustStore;

/**
 * Vendor trust anchors as PEM files in {@code <flashgate home>/trust}, one certificate per file
 * named by its fingerprint, so adding is idempotent and removing is exact.
 */
@Component(service = TrustStore.class)
public final class DirectoryTrustStore implements TrustStore {

    private final Path folder;

    @Activate
    public DirectoryTrustStore(BundleContext context) {
        this(FlashgateHome.resolve(context.getProperty(FlashgateHome.PROPERTY)).resolve("trust"));
    }

    public DirectoryTrustStore(Path folder) {
        this.folder = folder;
    }

    public Path folder() {
        return folder;
    }

    @Override
    public TrustStore inFolder(Path other) {
        return new DirectoryTrustStore(other);
    }

    @Override
    public TrustAnchors anchors() throws FlashgateException {
        if (!Files.isDirectory(folder)) {
            return new TrustAnchors(List.of(), "the station trust store " + folder + " (empty)");
        }
        return new TrustAnchors(readAll(folder), "the station trust store " + folder);
    }

    @Override
    public TrustAnchors load(List<Path> filesOrFolders) throws FlashgateException {
        List<X509Certificate> certs = new ArrayList<>();
        for (Path p : filesOrFolders) {
            certs.addAll(Files.isDirectory(p) ? readAll(p) : PemCertificates.read(p));
        }
        return new TrustAnchors(certs, filesOrFolders.toString());
    }

    @Override
    public List<CertificateInfo> list() throws FlashgateException {
        return anchors().certificates().stream().map(CertificateInfo::of).toList();
    }

    @Override
    public List<CertificateInfo> add(Path pem) throws FlashgateException {
        List<CertificateInfo> added = new ArrayList<>();
        try {
            Files.createDirectories(folder);
            for (X509Certificate cert : PemCertificates.read(pem)) {
                if (cert.getBasicConstraints() < 0 && !cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) {
                    throw new FlashgateException(ErrorCode.USAGE, "'" + cert.getSubjectX500Principal().getName()
                            + "' is neither a CA nor a self-signed vendor certificate; pin the vendor's CA instead");
                }
                CertificateInfo info = CertificateInfo.of(cert);
                AtomicFiles.writeString(folder.resolve(info.sha256Fingerprint() + ".pem"),
                        PemCertificates.toPem(List.of(cert)), "rw-r--r--");
                added.add(info);
            }
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.HOST_DISK_FULL, "cannot write to " + folder + ": " + e.getMessage());
        }
        return added;
    }

    @Override
    public List<CertificateInfo> remove(String fingerprintPrefix) throws FlashgateException {
        String prefix = fingerprintPrefix.toLowerCase(Locale.ROOT).replace(":", "");
        if (prefix.length() < 8 || !prefix.matches("[0-9a-f]+")) {
            throw new FlashgateException(ErrorCode.USAGE, "give at least 8 hex digits of the anchor's SHA-256 fingerprint");
        }
        List<Path> matches = new ArrayList<>();
        List<CertificateInfo> removed = new ArrayList<>();
        for (Path file : pemFiles(folder)) {
            for (X509Certificate cert : PemCertificates.read(file)) {
                CertificateInfo info = CertificateInfo.of(cert);
                if (info.sha256Fingerprint().startsWith(prefix)) {
                    matches.add(file);
                    removed.add(info);
                }
            }
        }
        if (removed.size() > 1) {
            throw new FlashgateException(ErrorCode.USAGE, "'" + fingerprintPrefix + "' matches " + removed.size()
                    + " anchors; give more digits");
        }
        try {
            for (Path file : matches) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.HOST_DISK_FULL, "cannot remove from " + folder + ": " + e.getMessage());
        }
        return removed;
    }

    private static List<X509Certificate> readAll(Path dir) throws FlashgateException {
        List<X509Certificate> certs = new ArrayList<>();
        for (Path file : pemFiles(dir)) {
            certs.addAll(PemCertificates.read(file));
        }
        return certs;
    }

    private static List<Path> pemFiles(Path dir) throws FlashgateException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches(".*\\.(pem|crt)$") && Files.isRegularFile(f))
                    .sorted().toList();
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.USAGE, "cannot list " + dir + ": " + e.getMessage());
        }
    }
}
