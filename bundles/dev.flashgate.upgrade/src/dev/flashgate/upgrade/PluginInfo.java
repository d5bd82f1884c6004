package dev.flashgate.upgrade;

import java.util.List;
import java.util.Objects;

/** An upgrade plugin as the workbench and {@code flashgate plugins} list it. */
public record PluginInfo(String id, String name, String version, String vendor, List<DeviceSeries> series) {

    public PluginInfo {
        Objects.requireNonNull(id, "id");
        series = List.copyOf(series);
    }
}
