package dev.flashgate.core.pkg;

import java.nio.file.Path;

import org.osgi.annotation.versioning.ProviderType;

import dev.flashgate.core.FlashgateException;

/** Vendor side: adds (or replaces) the detached CMS signature over a package's manifest. */
@ProviderType
public interface PackageSigner {

    /** Signs {@code pkg} in place, atomically: the file is either the old or the signed package. */
    void sign(Path pkg, SigningCredentials credentials) throws FlashgateException;

    /** A detached CMS SignedData (DER) over exactly these bytes. */
    byte[] signDetached(byte[] content, SigningCredentials credentials) throws FlashgateException;
}
