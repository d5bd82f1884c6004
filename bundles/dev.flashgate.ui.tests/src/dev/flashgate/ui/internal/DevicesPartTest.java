package dev.flashgate.ui.internal;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.flashgate.core.Topics;
import dev.flashgate.core.device.DeviceDiscovery;
import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.testkit.PluginBench;
import dev.flashgate.upgrade.UpgradePlugin;

/** The Devices and Plugins views follow discovery and the installed plugins. */
class DevicesPartTest {

    @TempDir
    java.nio.file.Path dir;

    private PluginBench bench;
    private SwtBench swt;

    @BeforeEach
    void setUp() throws Exception {
        SwtBench.assumeDisplay();
        bench = new PluginBench(dir);
        swt = new SwtBench();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (swt != null) {
            swt.close();
            bench.close();
        }
    }

    /** Device events reach the view on the UI thread, as e4's {@code @UIEventTopic} delivers them. */
    private DevicesPart view() throws Exception {
        DevicesPart part = new DevicesPart();
        part.create(swt.parent());
        part.setPlugins(List.of(bench.service(UpgradePlugin.class)));
        part.setDiscovery(bench.service(DeviceDiscovery.class));
        swt.deliver(part::deviceEvent, Topics.DEVICE_ALL);
        swt.open();
        return part;
    }

    private static boolean shows(DevicesPart part, SimulatedDevice d, String present) {
        return Tables.text(part.table()).lines().anyMatch(l -> l.contains(d.imei()) && l.endsWith("\t" + present));
    }

    @Test
    void aSimulatedDeviceAppearsWithItsPluginAndIsShownGoneWhenUnplugged() throws Exception {
        DevicesPart part = view();
        SimulatedDevice hotspot = bench.start("HS920S");
        swt.until(() -> shows(part, hotspot, "yes"), Duration.ofSeconds(30), "the hotspot is shown");
        String row = Tables.text(part.table()).lines().filter(l -> l.contains(hotspot.imei())).findFirst().orElseThrow();
        org.junit.jupiter.api.Assertions.assertTrue(row.contains("at-ymodem") && row.contains(hotspot.revision()) && row.contains("MODEM"),
                row);
        swt.screenshot("devices");
        hotspot.close();
        swt.until(() -> shows(part, hotspot, "gone"), Duration.ofSeconds(30), "the hotspot is shown gone");
    }
}
