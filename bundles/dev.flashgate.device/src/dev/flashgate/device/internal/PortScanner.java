package dev.flashgate.device.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.function.Supplier;
import java.util.stream.Stream;

import com.fazecast.jSerialComm.SerialPort;

import dev.flashgate.core.device.PortInfo;
import dev.flashgate.core.device.UsbId;
import dev.flashgate.device.MemoryPorts;

/**
 * Lists the serial ports present right now, from three sources: USB serial ports the OS
 * enumerates (jSerialComm, with sysfs for the interface number), {@code by-id} folders (the
 * system's and the simulators'), and ports named explicitly. Ports are keyed by their real node,
 * so a by-id link and the node it points to are one port; a {@code by-path} link to the node says
 * which physical USB port it is on.
 */
final class PortScanner {

    /** {@code usb-<Vendor>_<Product>_<serial>-if<NN>[-port<N>]} */
    private static final Pattern BY_ID = Pattern.compile("usb-(.+)_([^_]*)-if(\\d+)(?:-port\\d+)?");
    /** {@code <bus>-usb-<root>:<port chain>:<configuration>.<interface>[-port<N>]} */
    private static final Pattern BY_PATH = Pattern.compile("(.+-usb-\\d+:[\\d.]+):\\d+\\.\\d+(?:-port\\d+)?");

    private final DeviceTable table;
    private final List<Path> byIdFolders;
    private final boolean systemPorts;
    private final Supplier<List<MemoryPorts.Plugged>> memoryPorts;

    PortScanner(DeviceTable table, List<Path> byIdFolders, boolean systemPorts) {
        this(table, byIdFolders, systemPorts, List::of);
    }

    PortScanner(DeviceTable table, List<Path> byIdFolders, boolean systemPorts, Supplier<List<MemoryPorts.Plugged>> memoryPorts) {
        this.table = table;
        this.byIdFolders = List.copyOf(byIdFolders);
        this.systemPorts = systemPorts;
        this.memoryPorts = memoryPorts;
    }

    /**
     * A port and its generation: when its node or by-id link was last created. A device that
     * re-enumerates onto the same node name between two scans still gets a new generation.
     */
    record Scanned(PortInfo info, String generation) {
    }

    /** The ports present now, by real node path. */
    Map<String, Scanned> scan(Set<String> configured) {
        Map<String, PortInfo> ports = new LinkedHashMap<>();
        Map<String, String> generations = new HashMap<>();
        if (systemPorts) {
            for (SerialPort p : SerialPort.getCommPorts()) {
                if (p.getVendorID() < 0 || p.getProductID() < 0) {
                    continue; // built-in UARTs and friends: cellular terminals are USB devices
                }
                String path = p.getSystemPortPath();
                UsbId usb = new UsbId(p.getVendorID(), p.getProductID());
                int iface = SysfsUsb.interfaceNumber(path);
                String serial = p.getSerialNumber() == null || p.getSerialNumber().isBlank() ? null : p.getSerialNumber();
                ports.put(path, new PortInfo(path, null, usb, serial, iface, role(usb, null, iface), PortInfo.Origin.SYSTEM));
                generations.put(path, changeTime(Paths.get(path)));
            }
        }
        for (Path folder : byIdFolders) {
            for (Path link : links(folder)) {
                String path = realPath(link);
                if (path == null) {
                    continue; // dangling: the node went away before the link did
                }
                PortInfo known = ports.get(path);
                Matcher m = BY_ID.matcher(link.getFileName().toString());
                String product = m.matches() ? m.group(1) : null;
                String serial = m.matches() ? m.group(2) : null;
                int iface = m.matches() ? Integer.parseInt(m.group(3)) : -1;
                UsbId usb = known != null ? known.usb()
                        : SysfsUsb.usbId(path).orElseGet(() -> table.lookupProduct(product).map(DeviceTable.Entry::usb).orElse(null));
                ports.put(path, new PortInfo(path, link.getFileName().toString(), usb,
                        known != null && known.usbSerial() != null ? known.usbSerial() : serial,
                        known != null && known.usbInterface() >= 0 ? known.usbInterface() : iface,
                        role(usb, product, iface), known != null ? known.origin() : PortInfo.Origin.BY_ID));
                generations.put(path, changeTime(link) + "/" + changeTime(Paths.get(path)));
            }
        }
        for (MemoryPorts.Plugged plugged : memoryPorts.get()) {
            Matcher m = BY_ID.matcher(plugged.name());
            String product = m.matches() ? m.group(1) : null;
            int iface = m.matches() ? Integer.parseInt(m.group(3)) : -1;
            UsbId usb = table.lookupProduct(product).map(DeviceTable.Entry::usb).orElse(null);
            ports.put(plugged.path(), new PortInfo(plugged.path(), plugged.name(), usb, m.matches() ? m.group(2) : null, iface,
                    role(usb, product, iface), PortInfo.Origin.BY_ID));
            generations.put(plugged.path(), Long.toString(plugged.generation()));
        }
        for (String configuredPath : configured) {
            String path = realPath(Paths.get(configuredPath));
            if (path != null && !ports.containsKey(path)) {
                UsbId usb = SysfsUsb.usbId(path).orElse(null);
                int iface = SysfsUsb.interfaceNumber(path);
                ports.put(path, new PortInfo(path, configuredPath.equals(path) ? null : configuredPath, usb, null, iface,
                        role(usb, null, iface), PortInfo.Origin.CONFIGURED));
                generations.put(path, changeTime(Paths.get(path)));
            }
        }
        Map<String, String> physical = usbPaths();
        Map<String, Scanned> result = new LinkedHashMap<>();
        ports.forEach((path, info) -> result.put(path, new Scanned(physical.containsKey(path) ? info.withUsbPath(physical.get(path))
                : info, generations.get(path))));
        return result;
    }

    /**
     * The physical USB port of each node a {@code by-path} link (beside each by-id folder) points
     * to: the link's name up to the configuration and interface, {@code pci-0000:00:14.0-usb-0:3}
     * of {@code pci-0000:00:14.0-usb-0:3:1.0-port0}.
     */
    private Map<String, String> usbPaths() {
        Map<String, String> physical = new HashMap<>();
        for (Path folder : byIdFolders) {
            Path byPath = folder.resolveSibling("by-path");
            for (Path link : links(byPath)) {
                Matcher m = BY_PATH.matcher(link.getFileName().toString());
                String path = m.matches() ? realPath(link) : null;
                if (path != null) {
                    physical.put(path, m.group(1));
                }
            }
        }
        return physical;
    }

    /** The inode change time of a file or link itself, or "" when it cannot be read. */
    private static String changeTime(Path path) {
        try {
            return String.valueOf(Files.getAttribute(path, "unix:ctime", LinkOption.NOFOLLOW_LINKS));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "";
        }
    }

    private String role(UsbId usb, String product, int iface) {
        return table.lookup(usb).or(() -> table.lookupProduct(product)).map(e -> e.role(iface)).orElse(null);
    }

    private static List<Path> links(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isSymbolicLink).sorted().toList();
        } catch (IOException e) {
            return new ArrayList<>();
        }
    }

    private static String realPath(Path path) {
        try {
            return path.toRealPath().toString();
        } catch (IOException e) {
            return null;
        }
    }
}
