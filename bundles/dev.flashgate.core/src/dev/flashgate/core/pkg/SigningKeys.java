package dev.flashgate.core.pkg;

import java.nio.file.Path;

import org.osgi.annotation.versioning.ProviderType;

import dev.flashgate.core.FlashgateException;

/** Vendor keys and certificates as PEM files, readable and writable by OpenSSL too. */
@ProviderType
public interface SigningKeys {

    SigningCredentials generate(KeyRequest request) throws FlashgateException;

    /** Writes the key (PKCS#8, owner-only permissions) and the certificate chain, atomically. */
    void write(SigningCredentials credentials, Path keyPem, Path certPem) throws FlashgateException;

    /** Reads a key and its certificate, plus intermediates from {@code chainPem} ({@code null} for none). */
    SigningCredentials read(Path keyPem, Path certPem, Path chainPem) throws FlashgateException;
}
