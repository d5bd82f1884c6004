package dev.flashgate.core.plugin;

import java.nio.file.Path;

import org.osgi.annotation.versioning.ProviderType;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.TrustAnchors;

/**
 * Decides whether a plugin bundle may be installed, before anything of it is resolved or started:
 * a jar with a bundle manifest, every file in it covered by one jar signature (JAR signing) that
 * verifies, by a code-signing certificate valid now and chaining to one of {@code anchors}. Fails
 * closed: no anchors, no signature, one unsigned or changed file is a refusal.
 */
@ProviderType
public interface PluginVerifier {

    /**
     * Checks {@code jar}; throws {@code PLUGIN_NOT_A_BUNDLE}, {@code PLUGIN_UNSIGNED},
     * {@code PLUGIN_TAMPERED}, {@code PLUGIN_UNTRUSTED}, {@code SIG_CERT_EXPIRED},
     * or {@code SIG_CERT_USAGE}. The JDK's policy for jar signatures (jdk.jar.disabledAlgorithms) applies.
     */
    PluginSignature verify(Path jar, TrustAnchors anchors) throws FlashgateException;
}
