package dev.flashgate.core.pkg;

import java.security.cert.X509Certificate;
import java.util.List;

/** The certificates a verification trusts, and where they came from (shown to the technician). */
public record TrustAnchors(List<X509Certificate> certificates, String origin) {

    public TrustAnchors {
        certificates = List.copyOf(certificates);
    }

    public boolean isEmpty() {
        return certificates.isEmpty();
    }
}
