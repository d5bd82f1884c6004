package dev.flashgate.upgrade;

import java.nio.file.Path;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.TrustStore;

/**
 * Plugin bundles of this station: those that come with Flashgate and those a service centre
 * installs while the station runs. An installed plugin is checked (jar signature chaining to the
 * plugin trust anchors) before anything of it is resolved or started, is usable when
 * {@link #install} returns, and is checked again at every start of the station.
 */
@ProviderType
public interface PluginInstaller {

    /** Built-in and installed plugin bundles, and installed ones refused at start, by name. */
    List<InstalledPlugin> list();

    /**
     * Installs a signed plugin bundle jar, or every plugin bundle of a feature in a p2 repository
     * (a folder or a zip; {@code feature} names it when the repository holds several, else
     * {@code null}). A newer version of an installed plugin replaces it. Nothing is installed
     * unless every bundle passed.
     */
    List<InstalledPlugin> install(Path source, String feature) throws FlashgateException;

    /** Uninstalls an installed plugin; refused with {@code PLUGIN_IN_USE} while a session runs it. */
    InstalledPlugin remove(String symbolicName) throws FlashgateException;

    /** The feature ids a p2 repository (folder or zip) offers. */
    List<String> features(Path repository) throws FlashgateException;

    /** The anchors plugin signatures must chain to; apart from the package anchors. */
    TrustStore trust();
}
