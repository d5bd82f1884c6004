package dev.flashgate.upgrade;

import org.osgi.annotation.versioning.ConsumerType;

import java.util.List;

import dev.flashgate.core.ErrorCode;
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

    /**
     * A job that writes back onto {@code context.device()} what an earlier session of this plugin
     * kept of it ({@code items}, see {@link UpgradeContext#backup}) instead of a package; it runs
     * the same steps as an update ({@link UpgradeContext#pkg()} is {@code null}), and the device must
     * come back with its IMEI. By default a plugin keeps nothing and cannot restore.
     */
    default UpgradeJob restore(UpgradeContext context, List<BackupItem> items) throws FlashgateException {
        throw new FlashgateException(ErrorCode.NO_PLUGIN, info().id() + " cannot write back what sessions kept of a device");
    }
}
