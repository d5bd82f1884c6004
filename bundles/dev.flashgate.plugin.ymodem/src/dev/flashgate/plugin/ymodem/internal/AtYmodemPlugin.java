package dev.flashgate.plugin.ymodem.internal;

import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.Device;
import dev.flashgate.core.device.DeviceMode;
import dev.flashgate.upgrade.DeviceSeries;
import dev.flashgate.upgrade.PluginInfo;
import dev.flashgate.upgrade.UpgradeContext;
import dev.flashgate.upgrade.UpgradeJob;
import dev.flashgate.upgrade.UpgradePlugin;

/**
 * Updates A/B devices that take firmware over AT and YMODEM ({@code AT+FGSTOR?}, {@code AT+FGUPL},
 * {@code AT+FGAPPLY}, as the HS920S hotspot speaks them): packages naming plugin {@value #ID}.
 */
@Component(service = UpgradePlugin.class)
public final class AtYmodemPlugin implements UpgradePlugin {

    public static final String ID = "at-ymodem";
    static final String FAMILY = "ab-hotspot";

    private final PluginInfo info;

    @Activate
    public AtYmodemPlugin(BundleContext context) {
        info = new PluginInfo(ID, "AT + YMODEM for A/B hotspots", context.getBundle().getVersion().toString(), "Flashgate",
                List.of(new DeviceSeries("ZTE", FAMILY, null, List.of("HS920S"), List.of(DeviceMode.MODEM))));
    }

    @Override
    public PluginInfo info() {
        return info;
    }

    @Override
    public boolean handles(Device device) {
        return device.mode() == DeviceMode.MODEM && FAMILY.equals(device.family()) && device.port("at").isPresent();
    }

    @Override
    public UpgradeJob begin(UpgradeContext context) throws FlashgateException {
        return new YmodemJob(context);
    }
}
