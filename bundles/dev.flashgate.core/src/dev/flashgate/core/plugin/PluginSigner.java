package dev.flashgate.core.plugin;

import java.nio.file.Path;

import org.osgi.annotation.versioning.ProviderType;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.SigningCredentials;

/**
 * The vendor side of plugin signing: signs a plugin bundle jar with a code-signing key, as
 * {@code jarsigner} would, so every file in it is covered by one signature carrying the chain.
 */
@ProviderType
public interface PluginSigner {

    /**
     * Signs {@code jar} in place, atomically (the file is either the signed jar or untouched). A
     * signature the jar had already is replaced: a plugin carries exactly one signer.
     */
    void sign(Path jar, SigningCredentials credentials) throws FlashgateException;
}
