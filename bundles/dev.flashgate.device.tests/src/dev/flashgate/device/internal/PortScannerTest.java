package dev.flashgate.device.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.flashgate.core.device.DeviceMode;
import dev.flashgate.core.device.PortInfo;
import dev.flashgate.core.device.UsbId;

/** By-id names and the device table: what a port is before anything is said to it. */
class PortScannerTest {

    @TempDir
    Path dir;

    private final DeviceTable table = DeviceTable.load();

    @Test
    void theTableKnowsTheModesOfZteAndQualcommDevices() {
        assertEquals(DeviceMode.EDL, table.lookup(UsbId.parse("05c6:9008")).orElseThrow().mode());
        assertEquals(DeviceMode.MASS_STORAGE, table.lookup(UsbId.parse("19d2:1225")).orElseThrow().mode());
        DeviceTable.Entry modem = table.lookup(UsbId.parse("19d2:1405")).orElseThrow();
        assertEquals("MDM9x07", modem.chipset());
        assertEquals("at", modem.role(2));
        assertEquals("diag", modem.role(0));
        assertEquals(UsbId.parse("19d2:16f0"), table.lookupProduct("ZTE_HS920S").orElseThrow().usb());
    }

    @Test
    void byIdNamesGiveUsbIdsRolesAndSerials() throws Exception {
        Path byId = Files.createDirectories(dir.resolve("by-id"));
        Path modemAt = Files.createFile(dir.resolve("pts-3"));
        Path edl = Files.createFile(dir.resolve("pts-4"));
        Path other = Files.createFile(dir.resolve("pts-5"));
        Files.createSymbolicLink(byId.resolve("usb-ZTE_MF833S_0042-if02-port0"), modemAt);
        Files.createSymbolicLink(byId.resolve("usb-Qualcomm_QHSUSB__BULK_0042-if00-port0"), edl);
        Files.createSymbolicLink(byId.resolve("usb-FTDI_FT232R_USB_UART_A10K-if00-port0"), other);
        Files.createSymbolicLink(byId.resolve("usb-ZTE_HS920S_1-if00-port0"), dir.resolve("vanished"));
        Map<String, PortInfo> ports = infos(new PortScanner(table, List.of(byId), false).scan(Set.of()));
        assertEquals(3, ports.size(), "a dangling link is no port");
        PortInfo at = ports.get(modemAt.toRealPath().toString());
        assertEquals(UsbId.parse("19d2:1405"), at.usb());
        assertEquals("at", at.role());
        assertEquals("0042", at.usbSerial());
        assertEquals(2, at.usbInterface());
        assertEquals("edl", ports.get(edl.toRealPath().toString()).role());
        PortInfo unknown = ports.get(other.toRealPath().toString());
        assertNull(unknown.usb());
        assertNull(unknown.role());
        assertEquals("A10K", unknown.usbSerial());
    }

    @Test
    void byPathLinksBesideTheByIdFolderNameEachPortsPhysicalUsbPort() throws Exception {
        Path byId = Files.createDirectories(dir.resolve("by-id"));
        Path byPath = Files.createDirectories(dir.resolve("by-path"));
        Path diag = Files.createFile(dir.resolve("pts-1"));
        Path edl = Files.createFile(dir.resolve("pts-2"));
        Path elsewhere = Files.createFile(dir.resolve("pts-3"));
        Files.createSymbolicLink(byId.resolve("usb-ZTE_MF833S_0042-if00-port0"), diag);
        Files.createSymbolicLink(byPath.resolve("pci-0000:00:14.0-usb-0:3:1.0-port0"), diag);
        Files.createSymbolicLink(byId.resolve("usb-Qualcomm_QHSUSB__BULK_5BCACA6E-if00-port0"), edl);
        Files.createSymbolicLink(byPath.resolve("pci-0000:00:14.0-usb-0:1.4.2:1.0"), edl);
        Files.createSymbolicLink(byId.resolve("usb-Qualcomm_QHSUSB__BULK_0AA94EFD-if00-port0"), elsewhere);
        Files.createSymbolicLink(byPath.resolve("not-a-usb-path"), elsewhere);
        Map<String, PortInfo> ports = infos(new PortScanner(table, List.of(byId), false).scan(Set.of()));
        assertEquals("pci-0000:00:14.0-usb-0:3", ports.get(diag.toRealPath().toString()).usbPath());
        assertEquals("pci-0000:00:14.0-usb-0:1.4.2", ports.get(edl.toRealPath().toString()).usbPath(), "behind a hub");
        assertNull(ports.get(elsewhere.toRealPath().toString()).usbPath());
    }

    @Test
    void aNodeRecreatedUnderTheSameNameIsANewGeneration() throws Exception {
        Path byId = Files.createDirectories(dir.resolve("by-id"));
        Path node = Files.createFile(dir.resolve("pts-8"));
        Path link = Files.createSymbolicLink(byId.resolve("usb-ZTE_HS920S_7-if00-port0"), node);
        PortScanner scanner = new PortScanner(table, List.of(byId), false);
        String before = scanner.scan(Set.of()).values().iterator().next().generation();
        Thread.sleep(20);
        Files.delete(link);
        Files.createSymbolicLink(link, node);
        assertNotEquals(before, scanner.scan(Set.of()).values().iterator().next().generation());
    }

    private static Map<String, PortInfo> infos(Map<String, PortScanner.Scanned> scanned) {
        Map<String, PortInfo> out = new java.util.LinkedHashMap<>();
        scanned.forEach((k, v) -> out.put(k, v.info()));
        return out;
    }

    @Test
    void configuredPortsAreListedOnceWhateverTheirName() throws Exception {
        Path node = Files.createFile(dir.resolve("pts-7"));
        Path alias = Files.createSymbolicLink(dir.resolve("modem"), node);
        Map<String, PortInfo> ports = infos(new PortScanner(table, List.of(), false).scan(Set.of(alias.toString(), node.toString())));
        assertEquals(1, ports.size());
        assertEquals(PortInfo.Origin.CONFIGURED, ports.values().iterator().next().origin());
    }
}
