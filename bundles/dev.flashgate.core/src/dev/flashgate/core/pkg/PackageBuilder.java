package dev.flashgate.core.pkg;

import org.osgi.annotation.versioning.ProviderType;

import dev.flashgate.core.FlashgateException;

/** Vendor side: writes an unsigned package whose manifest lists every file with size and SHA-256. */
@ProviderType
public interface PackageBuilder {

    /** Writes the package atomically (no partial file on failure) and returns its manifest. */
    Manifest pack(PackRequest request) throws FlashgateException;
}
