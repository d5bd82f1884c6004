package dev.flashgate.simulator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;
import dev.flashgate.core.device.SerialLinks;
import dev.flashgate.device.AtChannel;
import dev.flashgate.device.MemoryPorts;
import dev.flashgate.simulator.Faults;
import dev.flashgate.simulator.SimulatedDevice;

/** Each fault knob does what it says, once, and the device says afterwards what state it is in. */
class FaultKnobsTest {

    private static SimulatorFarm farm;
    private static SerialLinks links;
    private SimulatedDevice device;

    @BeforeAll
    static void services() throws Exception {
        assumeTrue(new ProcessBuilder("sh", "-c", "command -v socat").start().waitFor() == 0, "socat makes the ptys");
        BundleContext context = FrameworkUtil.getBundle(SimulatorFarm.class).getBundleContext();
        ServiceTracker<SerialLinks, SerialLinks> tracker = new ServiceTracker<>(context, SerialLinks.class, null);
        tracker.open();
        links = tracker.waitForService(10_000);
        ServiceTracker<MemoryPorts, MemoryPorts> memory = new ServiceTracker<>(context, MemoryPorts.class, null);
        memory.open();
        farm = new SimulatorFarm(links, memory.waitForService(10_000), java.nio.file.Files.createTempDirectory("fault-knobs"), true);
    }

    @AfterEach
    void unplug() {
        if (device != null) {
            device.close();
        }
    }

    private SimulatedDevice hotspot(String serial, String... faults) throws Exception {
        device = farm.start("HS920S", serial, Faults.parse(List.of(faults)));
        return device;
    }

    @Test
    void faultSpecsParseAndUnknownOnesAreRefused() {
        Faults f = Faults.parse(List.of("drop-after=4096", "stall-after=10", "stall-ms=250", "nak-next", "storage-full"));
        assertEquals(new Faults(4096, 10, 250, true, true, -1, false, 0), f);
        assertEquals(new Faults(-1, -1, 0, false, false, 77, true, 0), Faults.parse(List.of("corrupt-write", "power-loss-after=77")));
        assertEquals(new Faults(-1, -1, 0, false, false, -1, false, 12), Faults.parse(List.of("flash-mibps=12")));
        assertThrows(IllegalArgumentException.class, () -> Faults.parse(List.of("explode")));
        assertThrows(IllegalArgumentException.class, () -> Faults.parse(List.of("drop-after")));
    }

    @Test
    void storageFullRefusesUploads() throws Exception {
        hotspot("FK0001", "storage-full");
        try (SerialLink link = links.open(device.hostPorts().get(0))) {
            AtChannel at = new AtChannel(link);
            assertEquals("+FGSTOR: 0," + Hotspot.STORAGE_TOTAL, at.command("AT+FGSTOR?", Duration.ofSeconds(2)).lines().get(0));
            assertEquals("+CME ERROR: 28", at.command("AT+FGUPL=100", Duration.ofSeconds(2)).result());
        }
    }

    @Test
    void nakNextRefusesOneCommand() throws Exception {
        hotspot("FK0002", "nak-next");
        try (SerialLink link = links.open(device.hostPorts().get(0))) {
            AtChannel at = new AtChannel(link);
            assertEquals("ERROR", at.command("AT", Duration.ofSeconds(2)).result());
            assertEquals("OK", at.command("AT", Duration.ofSeconds(2)).result());
        }
    }

    @Test
    void dropAfterCutsTheLineAndAPowerCycleBringsTheDeviceBack() throws Exception {
        hotspot("FK0003", "drop-after=20");
        try (SerialLink link = links.open(device.hostPorts().get(0))) {
            AtChannel at = new AtChannel(link);
            FlashgateException gone = assertThrows(FlashgateException.class, () -> {
                for (int i = 0; i < 20; i++) {
                    at.command("ATI", Duration.ofSeconds(2));
                }
            });
            assertEquals(ErrorCode.DEVICE_GONE, gone.code(), gone.getMessage());
        }
        device.reenumerate();
        try (SerialLink link = links.open(device.hostPorts().get(0))) {
            assertEquals("HS920S", new AtChannel(link).command("ATI", Duration.ofSeconds(2)).value("Model:"));
        }
    }

    @Test
    void stallStopsAnsweringForAWhile() throws Exception {
        hotspot("FK0004", "stall-after=2", "stall-ms=1500");
        try (SerialLink link = links.open(device.hostPorts().get(0))) {
            AtChannel at = new AtChannel(link);
            FlashgateException stalled = assertThrows(FlashgateException.class, () -> at.command("ATI", Duration.ofMillis(500)));
            assertEquals(ErrorCode.DEVICE_STALLED, stalled.code());
            Thread.sleep(1500);
            assertEquals("OK", at.command("AT", Duration.ofSeconds(2)).result());
        }
    }
}
