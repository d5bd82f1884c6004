package dev.flashgate.core.pkg;

import java.io.InputStream;

import org.osgi.annotation.versioning.ProviderType;

import dev.flashgate.core.FlashgateException;

/**
 * A package that passed verification, held open so its artifacts can be streamed to a device.
 * Only the verifier makes these, so whoever holds one was given a verified package. The file
 * could still change on disk afterwards: every artifact stream hashes its bytes again as they
 * pass and fails with {@code HASH_MISMATCH} or {@code SIZE_MISMATCH} at its end if they are not
 * the verified ones.
 */
@ProviderType
public interface VerifiedPackage extends AutoCloseable {

    VerificationReport report();

    default Manifest manifest() {
        return report().manifest();
    }

    /**
     * The artifact's bytes, uncompressed. A read that reaches the end of an artifact whose bytes
     * differ from the manifest throws an {@link java.io.IOException} whose cause is a
     * {@link FlashgateException} with the integrity code.
     */
    InputStream open(Artifact artifact) throws FlashgateException;

    @Override
    void close();
}
