package dev.flashgate.core.pkg;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** What an engineer needs to know about a certificate, without any crypto library types. */
public record CertificateInfo(
        String subject,
        String issuer,
        String serial,
        Instant notBefore,
        Instant notAfter,
        String sha256Fingerprint,
        String keyAlgorithm,
        boolean ca,
        List<String> keyUsage,
        List<String> extendedKeyUsage) {

    private static final String[] KEY_USAGE = {"digitalSignature", "nonRepudiation", "keyEncipherment",
        "dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"};

    public CertificateInfo {
        keyUsage = List.copyOf(keyUsage);
        extendedKeyUsage = List.copyOf(extendedKeyUsage);
    }

    public static CertificateInfo of(X509Certificate cert) {
        List<String> usage = new ArrayList<>();
        boolean[] bits = cert.getKeyUsage();
        if (bits != null) {
            for (int i = 0; i < bits.length && i < KEY_USAGE.length; i++) {
                if (bits[i]) {
                    usage.add(KEY_USAGE[i]);
                }
            }
        }
        List<String> eku = new ArrayList<>();
        try {
            if (cert.getExtendedKeyUsage() != null) {
                cert.getExtendedKeyUsage().forEach(oid -> eku.add(ExtendedKeyUsage.name(oid)));
            }
        } catch (CertificateParsingException e) {
            eku.add("(unparseable)");
        }
        return new CertificateInfo(
                cert.getSubjectX500Principal().getName(),
                cert.getIssuerX500Principal().getName(),
                cert.getSerialNumber().toString(16),
                cert.getNotBefore().toInstant(),
                cert.getNotAfter().toInstant(),
                fingerprint(cert),
                cert.getPublicKey().getAlgorithm(),
                cert.getBasicConstraints() >= 0,
                usage,
                eku);
    }

    public static String fingerprint(X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint certificate", e);
        }
    }

    /** Names for the extended key usages an engineer is likely to meet. */
    public static final class ExtendedKeyUsage {
        public static final String CODE_SIGNING = "1.3.6.1.5.5.7.3.3";
        public static final String ANY = "2.5.29.37.0";

        private ExtendedKeyUsage() {
        }

        static String name(String oid) {
            return switch (oid) {
                case "1.3.6.1.5.5.7.3.1" -> "serverAuth";
                case "1.3.6.1.5.5.7.3.2" -> "clientAuth";
                case CODE_SIGNING -> "codeSigning";
                case "1.3.6.1.5.5.7.3.4" -> "emailProtection";
                case "1.3.6.1.5.5.7.3.8" -> "timeStamping";
                case ANY -> "anyExtendedKeyUsage";
                default -> oid;
            };
        }
    }
}
