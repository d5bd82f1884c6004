package dev.flashgate.upgrade;

import java.util.List;
import java.util.Objects;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.pkg.CertificateInfo;

/**
 * A plugin bundle as the Plugins view and {@code flashgate plugins list} show it: where it came
 * from, who signed it (installed ones), the upgrade plugins it provides now (none for a bundle that
 * contributes something else, e.g. a view), and for one refused at start, why.
 */
public record InstalledPlugin(String symbolicName, String version, Origin origin, Status status, CertificateInfo signer,
        List<PluginInfo> plugins, ErrorCode problem, String detail) {

    public enum Origin {
        /** Comes with Flashgate; cannot be removed. */
        BUILT_IN,
        /** Installed on this station from a plugin file or repository. */
        INSTALLED
    }

    public enum Status {
        ACTIVE,
        /** Installed but not started: its jar failed the check at this start ({@link #problem()}). */
        REFUSED,
        /** Installed but not started (it did not resolve). */
        INACTIVE
    }

    public InstalledPlugin {
        Objects.requireNonNull(symbolicName, "symbolicName");
        plugins = List.copyOf(plugins);
    }
}
