package dev.flashgate.plugin.firehose.internal;

import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.Device;
import dev.flashgate.core.device.DeviceMode;
import dev.flashgate.upgrade.BackupItem;
import dev.flashgate.upgrade.DeviceSeries;
import dev.flashgate.upgrade.PluginInfo;
import dev.flashgate.upgrade.UpgradeContext;
import dev.flashgate.upgrade.UpgradeJob;
import dev.flashgate.upgrade.UpgradePlugin;

/**
 * Updates Qualcomm MDM9x07 modems through emergency download: packages naming plugin
 * {@value #ID}, with a Firehose programmer, a NAND layout and the images it names.
 */
@Component(service = UpgradePlugin.class)
public final class FirehosePlugin implements UpgradePlugin {

    public static final String ID = "qualcomm-firehose";
    static final String CHIPSET = "MDM9x07";

    private final PluginInfo info;

    @Activate
    public FirehosePlugin(BundleContext context) {
        info = new PluginInfo(ID, "Qualcomm MDM9x07 (EDL: Sahara, Firehose)", context.getBundle().getVersion().toString(),
                "Flashgate", List.of(new DeviceSeries("ZTE", "mdm9x07-modem", CHIPSET, List.of("MF833S", "MF833V"),
                        List.of(DeviceMode.MODEM, DeviceMode.EDL))));
    }

    @Override
    public PluginInfo info() {
        return info;
    }

    /** Modems with their DIAG and AT ports, and Qualcomm devices waiting in emergency download (recovery). */
    @Override
    public boolean handles(Device device) {
        return switch (device.mode()) {
            case MODEM -> CHIPSET.equalsIgnoreCase(device.chipset()) && device.port("diag").isPresent() && device.port("at").isPresent();
            case EDL -> device.port("edl").isPresent();
            default -> false;
        };
    }

    @Override
    public UpgradeJob begin(UpgradeContext context) throws FlashgateException {
        return new FirehoseJob(context);
    }

    /** Writes back a modem's efs2 and fsg (IMEI, RF calibration) as a session kept them, with the programmer it kept. */
    @Override
    public UpgradeJob restore(UpgradeContext context, List<BackupItem> items) throws FlashgateException {
        return new FirehoseJob(context, items);
    }
}
