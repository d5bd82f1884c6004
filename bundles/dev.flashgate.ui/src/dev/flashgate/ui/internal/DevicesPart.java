package dev.flashgate.ui.internal;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;

import org.eclipse.e4.core.di.annotations.Optional;
import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.e4.ui.di.UIEventTopic;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Table;
import org.osgi.service.event.Event;

import dev.flashgate.core.Topics;
import dev.flashgate.core.device.Device;
import dev.flashgate.core.device.DeviceDiscovery;
import dev.flashgate.core.device.Identity;
import dev.flashgate.upgrade.UpgradePlugin;

/**
 * The Devices view: every device discovery knows, present ones first, with identity, mode, ports,
 * current revision and the plugin that can update it; redrawn on every device event.
 */
public final class DevicesPart {

    private DeviceDiscovery discovery;
    private List<UpgradePlugin> plugins = List.of();
    private Table table;

    @PostConstruct
    public void create(Composite parent) {
        parent.setLayout(new FillLayout());
        table = Tables.create(parent, new String[] {"Device", "IMEI", "Mode", "Revision", "Plugin", "Ports", "Present"},
                new int[] {170, 140, 70, 150, 130, 300, 70});
        refresh();
    }

    @Inject
    public void setDiscovery(@Optional @Service DeviceDiscovery discovery) {
        this.discovery = discovery;
        refresh();
    }

    @Inject
    public void setPlugins(@Optional @Service List<UpgradePlugin> plugins) {
        this.plugins = plugins == null ? List.of() : List.copyOf(plugins);
        refresh();
    }

    /** A device came, changed or went (on the UI thread). */
    @Inject
    @Optional
    public void deviceEvent(@UIEventTopic(Topics.DEVICE_ALL) Event event) {
        refresh();
    }

    void refresh() {
        if (table == null || table.isDisposed()) {
            return;
        }
        List<Device> devices = discovery == null ? List.of() : discovery.devices();
        Tables.fill(table, devices.stream().map(this::row).toList());
    }

    /** Vendor and model, or vendor and family while the device has not said who it is. */
    static String name(Device d) {
        return d.vendor() + " " + (d.identity() != null && d.identity().model() != null ? d.identity().model() : d.family());
    }

    private String[] row(Device d) {
        String plugin = plugins.stream().filter(p -> p.handles(d)).map(p -> p.info().id()).findFirst().orElse("none");
        String ports = d.ports().stream().map(p -> p.role() + " " + p.path()).collect(Collectors.joining(", "));
        return new String[] {name(d), identity(d, Identity::imei), d.mode().name(), identity(d, Identity::revision), plugin, ports,
            d.presence() == Device.Presence.PRESENT ? "yes" : "gone"};
    }

    private static String identity(Device d, Function<Identity, String> field) {
        return d.identity() == null || field.apply(d.identity()) == null ? "" : field.apply(d.identity());
    }

    // for tests
    Table table() {
        return table;
    }
}
