package dev.flashgate.core.pkg;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Which devices a package is for; {@code chipset} is {@code null} when not stated. */
public record Target(String plugin, String chipset, List<String> models, List<String> hardwareRevisions,
        Map<String, Object> extra) {

    public Target {
        Objects.requireNonNull(plugin, "plugin");
        models = List.copyOf(models);
        hardwareRevisions = List.copyOf(hardwareRevisions);
        extra = Map.copyOf(extra);
    }
}
