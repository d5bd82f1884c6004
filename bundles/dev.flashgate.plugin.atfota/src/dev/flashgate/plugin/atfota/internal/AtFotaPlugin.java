package dev.flashgate.plugin.atfota.internal;

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
 * Updates LTE modules that store a firmware file and update themselves over the air
 * ({@code AT+FGFUPL}, {@code AT+FGFSHA}, {@code AT+FGFOTA}, as the ME360S speaks them): packages
 * naming plugin {@value #ID}. The example plugin of the authors' guide: not in the product, it is
 * installed into a running station from the plugins repository.
 */
@Component(service = UpgradePlugin.class)
public final class AtFotaPlugin implements UpgradePlugin {

    public static final String ID = "at-fota";
    static final List<String> MODELS = List.of("ME360S");

    private final PluginInfo info;

    @Activate
    public AtFotaPlugin(BundleContext context) {
        info = new PluginInfo(ID, "AT file upload + FOTA for LTE modules", context.getBundle().getVersion().toString(), "Flashgate",
                List.of(new DeviceSeries("ZTE", "lte-module", null, MODELS, List.of(DeviceMode.MODEM))));
    }

    @Override
    public PluginInfo info() {
        return info;
    }

    /** Modules are known by what they answer (their USB id is in no table): the model, and an AT port. */
    @Override
    public boolean handles(Device device) {
        return device.identity() != null && MODELS.contains(device.identity().model()) && device.port("at").isPresent()
                && device.mode() != DeviceMode.EDL;
    }

    @Override
    public UpgradeJob begin(UpgradeContext context) throws FlashgateException {
        return new FotaJob(context);
    }
}
