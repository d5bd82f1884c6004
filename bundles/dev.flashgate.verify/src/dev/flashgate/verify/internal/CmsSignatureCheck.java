package dev.flashgate.verify.internal;

import static dev.flashgate.core.ErrorCode.SIG_ALGORITHM_REJECTED;
import static dev.flashgate.core.ErrorCode.SIG_CERT_EXPIRED;
import static dev.flashgate.core.ErrorCode.SIG_CERT_USAGE;
import static dev.flashgate.core.ErrorCode.SIG_INVALID;
import static dev.flashgate.core.ErrorCode.SIG_MISSING;
import static dev.flashgate.core.ErrorCode.SIG_UNTRUSTED;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSVerifierCertificateNotValidException;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.CertificateInfo;
import dev.flashgate.core.pkg.SignatureInfo;
import dev.flashgate.core.pkg.TrustAnchors;

/**
 * Checks a detached CMS SignedData over the manifest bytes: one signer, accepted algorithms, a
 * valid signature (and message digest attribute), a code-signing certificate valid now, and a
 * chain to one of the trust anchors. Bouncy Castle parses the CMS structure; the JDK's own
 * providers do the cryptography where they can and build the certificate path.
 */
public final class CmsSignatureCheck {

    /** What was learned, and the first failure ({@code null} when the signature is trusted). */
    public record Outcome(SignatureInfo info, FlashgateException failure) {
        public boolean trusted() {
            return failure == null;
        }
    }

    /** The encapsulated content type of a signature over plain bytes (RFC 5652, id-data). */
    private static final String ID_DATA = "1.2.840.113549.1.7.1";
    private static final Map<String, String> DIGESTS = Map.of(
            "2.16.840.1.101.3.4.2.1", "SHA-256",
            "2.16.840.1.101.3.4.2.2", "SHA-384",
            "2.16.840.1.101.3.4.2.3", "SHA-512");
    private static final Map<String, String> SIGNATURES = Map.of(
            "1.2.840.113549.1.1.1", "RSA",
            "1.2.840.113549.1.1.11", "SHA256withRSA",
            "1.2.840.113549.1.1.12", "SHA384withRSA",
            "1.2.840.113549.1.1.13", "SHA512withRSA",
            "1.2.840.113549.1.1.10", "RSASSA-PSS",
            "1.2.840.10045.4.3.2", "SHA256withECDSA",
            "1.2.840.10045.4.3.3", "SHA384withECDSA",
            "1.2.840.10045.4.3.4", "SHA512withECDSA",
            "1.3.101.112", "Ed25519");
    private static final Map<String, String> CURVES = Map.of(
            "1.2.840.10045.3.1.7", "P-256",
            "1.3.132.0.34", "P-384");

    private Provider fallback;

    public Outcome check(byte[] content, byte[] signature, TrustAnchors anchors, Instant now) {
        SignatureInfo info = null;
        try {
            if (signature == null || signature.length == 0) {
                throw new FlashgateException(SIG_MISSING, "manifest.json.p7s is empty");
            }
            CMSSignedData cms = parse(content, signature);
            Collection<SignerInformation> signers = cms.getSignerInfos().getSigners();
            if (signers.size() != 1) {
                throw new FlashgateException(SIG_INVALID, "expected exactly one signer, found " + signers.size());
            }
            SignerInformation signer = signers.iterator().next();
            List<X509Certificate> carried = certificates(cms);
            X509Certificate signerCert = signerCertificate(cms, signer);
            info = new SignatureInfo(
                    DIGESTS.getOrDefault(signer.getDigestAlgOID(), signer.getDigestAlgOID()),
                    SIGNATURES.getOrDefault(signer.getEncryptionAlgOID(), signer.getEncryptionAlgOID()),
                    signingTime(signer),
                    CertificateInfo.of(signerCert),
                    carried.stream().map(CertificateInfo::of).toList(),
                    List.of());
            checkAlgorithms(signer, signerCert);
            verifySignature(signer, signerCert);
            checkValidity(signerCert, now);
            checkUsage(signerCert);
            List<X509Certificate> chain = chain(signerCert, carried, anchors, now);
            return new Outcome(info.withChain(chain.stream().map(CertificateInfo::of).toList()), null);
        } catch (FlashgateException e) {
            return new Outcome(info, e);
        } catch (RuntimeException e) {
            // Bouncy Castle decodes parts of the structure lazily and reports malformed ASN.1 with
            // unchecked exceptions; for an untrusted signature that is just a broken signature.
            return new Outcome(info, new FlashgateException(SIG_INVALID, "malformed signature: " + e.getMessage()));
        }
    }

    private static CMSSignedData parse(byte[] content, byte[] signature) throws FlashgateException {
        BerShape.check(signature);
        CMSSignedData cms;
        try {
            cms = new CMSSignedData(new CMSProcessableByteArray(content), signature);
        } catch (CMSException | RuntimeException e) {
            throw new FlashgateException(SIG_INVALID, "manifest.json.p7s is not a CMS SignedData: " + e.getMessage());
        }
        if (!ID_DATA.equals(cms.getSignedContentTypeOID())) {
            throw new FlashgateException(SIG_INVALID, "the signature is over content of type " + cms.getSignedContentTypeOID()
                    + ", not over data (" + ID_DATA + ")");
        }
        return cms;
    }

    private static List<X509Certificate> certificates(CMSSignedData cms) throws FlashgateException {
        List<X509Certificate> out = new ArrayList<>();
        for (X509CertificateHolder holder : cms.getCertificates().getMatches(null)) {
            out.add(toJdk(holder));
        }
        return out;
    }

    private static X509Certificate signerCertificate(CMSSignedData cms, SignerInformation signer) throws FlashgateException {
        Collection<X509CertificateHolder> matches = cms.getCertificates().getMatches(signer.getSID());
        if (matches.isEmpty()) {
            throw new FlashgateException(SIG_INVALID, "the signer's certificate is not included in the signature");
        }
        return toJdk(matches.iterator().next());
    }

    private static X509Certificate toJdk(X509CertificateHolder holder) throws FlashgateException {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
        } catch (CertificateException | IOException e) {
            throw new FlashgateException(SIG_INVALID, "a certificate in the signature cannot be read: " + e.getMessage());
        }
    }

    private static Instant signingTime(SignerInformation signer) {
        if (signer.getSignedAttributes() == null) {
            return null;
        }
        Attribute attribute = signer.getSignedAttributes().get(CMSAttributes.signingTime);
        if (attribute == null || attribute.getAttrValues().size() != 1) {
            return null;
        }
        try {
            return Time.getInstance(attribute.getAttrValues().getObjectAt(0)).getDate().toInstant();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void checkAlgorithms(SignerInformation signer, X509Certificate cert) throws FlashgateException {
        if (!DIGESTS.containsKey(signer.getDigestAlgOID())) {
            throw new FlashgateException(SIG_ALGORITHM_REJECTED, "digest algorithm " + signer.getDigestAlgOID()
                    + " (accepted: SHA-256, SHA-384, SHA-512)");
        }
        String sigAlg = signer.getEncryptionAlgOID();
        if (!SIGNATURES.containsKey(sigAlg)) {
            throw new FlashgateException(SIG_ALGORITHM_REJECTED, "signature algorithm " + sigAlg);
        }
        PublicKey key = cert.getPublicKey();
        String weak = keyProblem(key);
        if (weak != null) {
            throw new FlashgateException(SIG_ALGORITHM_REJECTED, weak);
        }
        if (("Ed25519".equals(key.getAlgorithm()) || "EdDSA".equals(key.getAlgorithm())) && !"1.3.101.112".equals(sigAlg)) {
            throw new FlashgateException(SIG_ALGORITHM_REJECTED, "EdDSA key used with " + sigAlg);
        }
    }

    /** What makes a key too weak to vouch for firmware, or {@code null}: RSA under 2048 bits, EC off P-256/P-384, others. */
    private static String keyProblem(PublicKey key) {
        return switch (key.getAlgorithm()) {
            case "RSA", "RSASSA-PSS" -> {
                int bits = ((RSAPublicKey) key).getModulus().bitLength();
                yield bits < 2048 ? "RSA key of " + bits + " bits (at least 2048)" : null;
            }
            case "EC" -> {
                Object params = SubjectPublicKeyInfo.getInstance(key.getEncoded()).getAlgorithm().getParameters();
                String curve = params instanceof ASN1ObjectIdentifier oid ? CURVES.get(oid.getId()) : null;
                yield curve == null ? "EC curve " + params + " (accepted: P-256, P-384)" : null;
            }
            case "Ed25519", "EdDSA" -> null;
            default -> key.getAlgorithm() + " keys are not accepted";
        };
    }

    /**
     * The same rules for every certificate of the chain as for the signer: each key strong enough,
     * and each certificate below the anchor signed with SHA-256 or better (a SHA-1 or MD5 signature
     * can be forged, whoever made it). The anchor's own self-signature says nothing: it is trusted
     * by being pinned.
     */
    static void checkChain(List<X509Certificate> chain) throws FlashgateException {
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate c = chain.get(i);
            String weak = keyProblem(c.getPublicKey());
            if (weak != null) {
                throw new FlashgateException(SIG_ALGORITHM_REJECTED, "'" + c.getSubjectX500Principal().getName() + "' in the chain has an "
                        + weak);
            }
            String signedWith = c.getSigAlgName().toUpperCase(Locale.ROOT);
            if (i < chain.size() - 1 && (signedWith.contains("SHA1") || signedWith.contains("MD5") || signedWith.contains("MD2"))) {
                throw new FlashgateException(SIG_ALGORITHM_REJECTED, "'" + c.getSubjectX500Principal().getName() + "' in the chain is "
                        + "signed with " + c.getSigAlgName() + " (accepted: SHA-256 or stronger)");
            }
        }
    }

    private void verifySignature(SignerInformation signer, X509Certificate cert) throws FlashgateException {
        try {
            boolean valid;
            try {
                valid = signer.verify(new JcaSimpleSignerInfoVerifierBuilder().build(cert));
            } catch (CMSException e) {
                if (!causedBy(e, NoSuchAlgorithmException.class)) {
                    throw e;
                }
                valid = signer.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(bouncyCastle()).build(cert));
            }
            if (!valid) {
                throw new FlashgateException(SIG_INVALID, "the signature does not match manifest.json");
            }
        } catch (CMSVerifierCertificateNotValidException e) {
            throw new FlashgateException(SIG_CERT_EXPIRED, "the signer's certificate was not valid at the signing time");
        } catch (CMSException | OperatorCreationException | RuntimeException e) {
            throw new FlashgateException(SIG_INVALID, "the signature does not match manifest.json (" + e.getMessage() + ")");
        }
    }

    /**
     * The JDK's providers verify everything they can (they start fast and use CPU intrinsics); a
     * private Bouncy Castle provider, never registered globally, is created on first need for
     * what they lack, such as RSASSA-PSS as CMS names it.
     */
    private synchronized Provider bouncyCastle() {
        if (fallback == null) {
            fallback = new BouncyCastleProvider();
        }
        return fallback;
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    static void checkValidity(X509Certificate cert, Instant now) throws FlashgateException {
        try {
            cert.checkValidity(Date.from(now));
        } catch (CertificateException e) {
            throw new FlashgateException(SIG_CERT_EXPIRED, "signer certificate valid " + cert.getNotBefore().toInstant()
                    + " to " + cert.getNotAfter().toInstant() + ", now is " + now);
        }
    }

    static void checkUsage(X509Certificate cert) throws FlashgateException {
        boolean[] usage = cert.getKeyUsage();
        if (usage != null && (usage.length == 0 || !usage[0])) {
            throw new FlashgateException(SIG_CERT_USAGE, "the signer's key usage lacks digitalSignature");
        }
        try {
            List<String> eku = cert.getExtendedKeyUsage();
            if (eku != null && !eku.contains(CertificateInfo.ExtendedKeyUsage.CODE_SIGNING)) {
                throw new FlashgateException(SIG_CERT_USAGE, "the signer's extended key usage lacks codeSigning");
            }
        } catch (CertificateParsingException e) {
            throw new FlashgateException(SIG_CERT_USAGE, "the signer's extended key usage cannot be read");
        }
    }

    /** The path signer, intermediates..., anchor; or why there is none. */
    static List<X509Certificate> chain(X509Certificate signer, List<X509Certificate> carried,
            TrustAnchors anchors, Instant now) throws FlashgateException {
        if (anchors.isEmpty()) {
            throw new FlashgateException(SIG_UNTRUSTED, "no trust anchors are installed (" + anchors.origin() + ")");
        }
        for (X509Certificate anchor : anchors.certificates()) {
            if (sameCertificate(anchor, signer)) {
                checkChain(List.of(signer));
                return List.of(signer);
            }
        }
        try {
            List<X509Certificate> chain = build(signer, carried, anchors, now);
            checkChain(chain);
            return chain;
        } catch (GeneralSecurityException e) {
            try {
                build(signer, carried, anchors, signer.getNotBefore().toInstant().plusSeconds(1));
                throw new FlashgateException(SIG_CERT_EXPIRED, "a certificate between the signer and the trust anchor is not valid now");
            } catch (GeneralSecurityException again) {
                throw new FlashgateException(SIG_UNTRUSTED, "no chain from '" + signer.getSubjectX500Principal().getName()
                        + "' (issued by '" + signer.getIssuerX500Principal().getName() + "') to a trust anchor in "
                        + anchors.origin());
            }
        }
    }

    private static List<X509Certificate> build(X509Certificate signer, List<X509Certificate> carried,
            TrustAnchors anchors, Instant at) throws GeneralSecurityException {
        Set<TrustAnchor> trust = new HashSet<>();
        anchors.certificates().forEach(c -> trust.add(new TrustAnchor(c, null)));
        X509CertSelector target = new X509CertSelector();
        target.setCertificate(signer);
        PKIXBuilderParameters params = new PKIXBuilderParameters(trust, target);
        params.setRevocationEnabled(false);
        params.setDate(Date.from(at));
        params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(carried)));
        PKIXCertPathBuilderResult result = (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(params);
        List<X509Certificate> chain = new ArrayList<>();
        result.getCertPath().getCertificates().forEach(c -> chain.add((X509Certificate) c));
        chain.add(result.getTrustAnchor().getTrustedCert());
        return chain;
    }

    private static boolean sameCertificate(X509Certificate a, X509Certificate b) {
        try {
            return Arrays.equals(a.getEncoded(), b.getEncoded());
        } catch (CertificateEncodingException e) {
            return false;
        }
    }
}
