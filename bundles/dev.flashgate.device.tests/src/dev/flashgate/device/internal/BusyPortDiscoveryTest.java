package dev.flashgate.device.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.flashgate.core.device.Device;
import dev.flashgate.core.device.SerialLink;

/** A port another process holds (an update session) is probed again once it is free. */
class BusyPortDiscoveryTest {

    private static final String ATI = "\r\nManufacturer: ZTE CORPORATION\r\nModel: HS920S\r\nRevision: FG_HS920S_A01\r\n"
            + "IMEI: 869204000000017\r\n\r\nOK\r\n";

    @TempDir
    Path byId;

    @Test
    void aPortThatWasBusyWhenItAppearedIsIdentifiedOnceItIsFree() throws Exception {
        InMemoryPorts memory = new InMemoryPorts();
        JSerialCommLinks links = new JSerialCommLinks(memory);
        SerialLink device = memory.plug("usb-ZTE_HS920S_BUSY1-if00-port0");
        ScriptedModem.start(new ScriptedModem(device, Map.of("AT", "\r\nOK\r\n", "ATI", ATI), false, new byte[0]));
        SerialLink held = links.open("mem:usb-ZTE_HS920S_BUSY1-if00-port0");
        SerialDiscovery discovery = new SerialDiscovery(links, memory, List.of(byId), false, Duration.ofMillis(100),
                Duration.ofMinutes(1), event -> { });
        try {
            discovery.rescan();
            assertTrue(discovery.byImei("869204000000017").isEmpty(), "a held port cannot be probed");
            held.close();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            Optional<Device> found = Optional.empty();
            while (found.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
                found = discovery.byImei("869204000000017");
            }
            assertTrue(found.isPresent(), "the freed port was probed again");
            assertEquals("FG_HS920S_A01", found.get().identity().revision());
        } finally {
            discovery.close();
            device.close();
        }
    }
}
