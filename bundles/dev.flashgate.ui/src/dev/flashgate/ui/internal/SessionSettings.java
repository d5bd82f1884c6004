package dev.flashgate.ui.internal;

import java.time.Duration;

import org.eclipse.core.runtime.preferences.IEclipsePreferences;
import org.osgi.service.prefs.BackingStoreException;

import dev.flashgate.upgrade.SessionOptions;

/**
 * The session options the workbench starts sessions with, kept as Eclipse preferences (instance
 * scope, node {@value #NODE}: under the workspace's {@code .metadata}, where Eclipse applications
 * keep theirs). Keys missing from the node mean the defaults of {@link SessionOptions#DEFAULTS}.
 */
final class SessionSettings {

    static final String NODE = "dev.flashgate.ui";
    static final String STALL_SECONDS = "session.stallTimeoutSeconds";
    static final String RECONNECT_SECONDS = "session.reconnectTimeoutSeconds";
    static final String RETRIES = "session.retries";

    private SessionSettings() {
    }

    static SessionOptions read(IEclipsePreferences prefs) {
        SessionOptions d = SessionOptions.DEFAULTS;
        if (prefs == null) {
            return d;
        }
        return d.withStallTimeout(Duration.ofSeconds(Math.max(1, prefs.getLong(STALL_SECONDS, d.stallTimeout().toSeconds()))))
                .withReconnectTimeout(Duration.ofSeconds(Math.max(1, prefs.getLong(RECONNECT_SECONDS,
                        d.reconnectTimeout().toSeconds()))))
                .withRetries(Math.max(0, prefs.getInt(RETRIES, d.retries())));
    }

    /** Stores the options; they apply to sessions started from now on. */
    static void write(IEclipsePreferences prefs, SessionOptions options) throws BackingStoreException {
        prefs.putLong(STALL_SECONDS, options.stallTimeout().toSeconds());
        prefs.putLong(RECONNECT_SECONDS, options.reconnectTimeout().toSeconds());
        prefs.putInt(RETRIES, options.retries());
        prefs.flush();
    }
}
