package dev.flashgate.upgrade;

import java.util.List;

import dev.flashgate.core.device.DeviceMode;

/** Devices a plugin handles: a vendor's chipset or family, its models, in which modes. */
public record DeviceSeries(String vendor, String family, String chipset, List<String> models, List<DeviceMode> modes) {

    public DeviceSeries {
        models = List.copyOf(models);
        modes = List.copyOf(modes);
    }
}
