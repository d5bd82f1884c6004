package dev.flashgate.upgrade;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.Device;

/**
 * Starts and lists update sessions; every session is independent and runs on its own thread.
 * Sessions post {@code dev/flashgate/session/*} events and write every transition to the journal.
 */
@ProviderType
public interface UpdateSessions {

    /** Starts a session; fails at once only when the request cannot be a session (device busy). */
    UpdateSession start(SessionRequest request) throws FlashgateException;

    /**
     * Starts a session that writes back what an earlier session kept of the device (see
     * {@link RestoreRequest}); {@code USAGE} when the journal lists no such copies, {@code HOST_IO}
     * when a file of them is missing or does not hold what was kept.
     */
    UpdateSession restore(RestoreRequest request) throws FlashgateException;

    /** Sessions of this process, running ones first. */
    List<UpdateSession> sessions();

    /** The installed upgrade plugins. */
    List<PluginInfo> plugins();

    /** Plugins that handle {@code device}. */
    List<PluginInfo> pluginsFor(Device device);
}
