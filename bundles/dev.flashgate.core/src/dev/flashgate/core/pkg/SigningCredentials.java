package dev.flashgate.core.pkg;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/** A private key and its certificate chain, signer first, optionally followed by intermediates. */
public record SigningCredentials(PrivateKey key, List<X509Certificate> chain) {

    public SigningCredentials {
        Objects.requireNonNull(key, "key");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a signing certificate is required");
        }
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }
}
