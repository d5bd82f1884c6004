package dev.flashgate.ui.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;

import org.eclipse.e4.core.di.annotations.Optional;
import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Table;

import dev.flashgate.upgrade.DeviceSeries;
import dev.flashgate.upgrade.PluginInfo;
import dev.flashgate.upgrade.UpgradePlugin;

/** The Plugins view: installed upgrade plugins, one row per device series each handles; follows plugins coming and going. */
public final class PluginsPart {

    private List<UpgradePlugin> plugins = List.of();
    private Table table;

    @PostConstruct
    public void create(Composite parent) {
        parent.setLayout(new FillLayout());
        table = Tables.create(parent, new String[] {"Plugin", "Version", "Vendor", "Device series", "Models", "Modes"},
                new int[] {150, 150, 110, 220, 160, 120});
        refresh();
    }

    @Inject
    public void setPlugins(@Optional @Service List<UpgradePlugin> plugins) {
        this.plugins = plugins == null ? List.of() : List.copyOf(plugins);
        refresh();
    }

    private void refresh() {
        if (table == null || table.isDisposed()) {
            return;
        }
        List<String[]> rows = new ArrayList<>();
        for (UpgradePlugin p : plugins) {
            PluginInfo info = p.info();
            for (DeviceSeries s : info.series()) {
                rows.add(new String[] {info.id() + " (" + info.name() + ")", info.version(), info.vendor(),
                    s.vendor() + " " + s.family() + (s.chipset() == null ? "" : " / " + s.chipset()), String.join(", ", s.models()),
                    s.modes().stream().map(Enum::name).collect(Collectors.joining(", "))});
            }
        }
        Tables.fill(table, rows);
    }

    // for tests
    Table table() {
        return table;
    }
}
