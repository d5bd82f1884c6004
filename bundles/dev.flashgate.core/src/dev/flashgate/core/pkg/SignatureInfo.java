package dev.flashgate.core.pkg;

import java.time.Instant;
import java.util.List;

/**
 * The CMS signature over {@code manifest.json} as found in a package. {@code signingTime} is
 * {@code null} when the signer did not include one; {@code chain} runs from the signer to the
 * trust anchor and is empty when no trusted chain was built.
 */
public record SignatureInfo(
        String digestAlgorithm,
        String signatureAlgorithm,
        Instant signingTime,
        CertificateInfo signer,
        List<CertificateInfo> carried,
        List<CertificateInfo> chain) {

    public SignatureInfo {
        carried = List.copyOf(carried);
        chain = List.copyOf(chain);
    }

    public SignatureInfo withChain(List<CertificateInfo> trustedChain) {
        return new SignatureInfo(digestAlgorithm, signatureAlgorithm, signingTime, signer, carried, trustedChain);
    }
}
