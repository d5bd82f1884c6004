package dev.flashgate.verify.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.interfaces.ECKey;

import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.osgi.service.component.annotations.Component;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.Manifest;
import dev.flashgate.core.pkg.PackageSigner;
import dev.flashgate.core.pkg.SigningCredentials;

/**
 * Signs packages with a detached CMS SignedData, as {@code openssl cms -sign -binary} would: Bouncy
 * Castle builds the CMS structure, the JDK's providers sign.
 */
@Component(service = PackageSigner.class)
public final class CmsPackageSigner implements PackageSigner {

    @Override
    public void sign(Path pkg, SigningCredentials credentials) throws FlashgateException {
        try (ZipArchive source = ZipArchive.open(pkg)) {
            ZipEntryRecord manifestEntry = source.find(Manifest.ENTRY)
                    .orElseThrow(() -> new FlashgateException(ErrorCode.PKG_MISSING_ENTRY, pkg + " has no manifest.json"));
            byte[] manifest = source.reader(manifestEntry).readAll(ManifestJson.MAX_BYTES);
            ManifestJson.parse(manifest);
            byte[] signature = signDetached(manifest, credentials);
            try (PackageFileWriter out = new PackageFileWriter(pkg)) {
                out.copyEntry(source, manifestEntry);
                out.addBytes(Manifest.SIGNATURE_ENTRY, signature, false);
                for (ZipEntryRecord e : source.entries()) {
                    if (!e.name().equals(Manifest.ENTRY) && !e.name().equals(Manifest.SIGNATURE_ENTRY)) {
                        out.copyEntry(source, e);
                    }
                }
                out.commit();
            }
        } catch (IOException e) {
            throw PackageFileWriter.hostError(e);
        }
    }

    @Override
    public byte[] signDetached(byte[] content, SigningCredentials credentials) throws FlashgateException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder(signatureAlgorithm(credentials.key()))
                    .build(credentials.key());
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(
                    new JcaDigestCalculatorProviderBuilder().build())
                    .build(signer, credentials.certificate()));
            generator.addCertificates(new JcaCertStore(credentials.chain()));
            return generator.generate(new CMSProcessableByteArray(content), false).getEncoded("DER");
        } catch (OperatorCreationException | CMSException | CertificateEncodingException | IOException e) {
            throw new FlashgateException(ErrorCode.USAGE, "cannot sign with this key: " + e.getMessage(), e);
        }
    }

    /** SHA-256 for RSA and P-256, SHA-384 for P-384, pure Ed25519. */
    static String signatureAlgorithm(PrivateKey key) throws FlashgateException {
        return switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> ((ECKey) key).getParams().getCurve().getField().getFieldSize() > 256
                    ? "SHA384withECDSA" : "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new FlashgateException(ErrorCode.SIG_ALGORITHM_REJECTED, key.getAlgorithm() + " keys cannot sign packages");
        };
    }
}
