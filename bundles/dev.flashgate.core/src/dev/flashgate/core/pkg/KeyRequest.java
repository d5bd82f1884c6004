package dev.flashgate.core.pkg;

import java.time.Duration;
import java.util.Objects;

/**
 * A key and certificate to create: a vendor code-signing certificate, or a CA that issues them.
 * {@code issuer} is {@code null} for a self-signed certificate.
 */
public record KeyRequest(String subject, KeyType keyType, Duration validity, boolean ca, SigningCredentials issuer) {

    public enum KeyType {
        EC_P256, EC_P384, RSA_3072, ED25519
    }

    public KeyRequest {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(validity, "validity");
    }
}
