package dev.flashgate.upgrade;

import org.osgi.annotation.versioning.ConsumerType;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.Device;

/**
 * Updates the devices of one series. Register it as a Declarative Services component providing
 * this interface; sessions find it by {@link PluginInfo#id()}, which packages name in
 * {@code target.plugin}. A plugin never sees an unverified package: it gets one through
 * {@link UpgradeContext#pkg()} only after verification and preflight checks have been set up.
 */
@ConsumerType
public interface UpgradePlugin {

    PluginInfo info();

    /** Whether this plugin can update {@code device} (its vendor, family, model, mode). */
    boolean handles(Device device);

    /** A job for one session on {@code context.device()}; nothing may be sent to the device yet. */
    UpgradeJob begin(UpgradeContext context) throws FlashgateException;
}
