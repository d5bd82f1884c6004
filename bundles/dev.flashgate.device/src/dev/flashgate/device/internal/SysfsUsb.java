package dev.flashgate.device.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;

import dev.flashgate.core.device.UsbId;

/** What Linux's sysfs says about the USB interface behind a tty node (nothing, for a pty). */
final class SysfsUsb {

    private SysfsUsb() {
    }

    /** The USB interface number of the tty, or -1. */
    static int interfaceNumber(String ttyPath) {
        return interfaceDir(ttyPath).flatMap(dir -> read(dir.resolve("bInterfaceNumber")))
                .map(s -> Integer.parseInt(s, 16)).orElse(-1);
    }

    static Optional<UsbId> usbId(String ttyPath) {
        return interfaceDir(ttyPath).map(Path::getParent).flatMap(usbDevice -> read(usbDevice.resolve("idVendor"))
                .flatMap(v -> read(usbDevice.resolve("idProduct")).map(p -> UsbId.parse(v + ":" + p))));
    }

    /** ttyACM nodes hang off the interface directly, usb-serial ttyUSB nodes one level below it. */
    private static Optional<Path> interfaceDir(String ttyPath) {
        Path device = Paths.get("/sys/class/tty", Paths.get(ttyPath).getFileName().toString(), "device");
        try {
            Path real = device.toRealPath();
            for (Path dir : new Path[] {real, real.getParent()}) {
                if (dir != null && Files.exists(dir.resolve("bInterfaceNumber"))) {
                    return Optional.of(dir);
                }
            }
        } catch (IOException e) {
            // no sysfs entry: a pty, or not Linux
        }
        return Optional.empty();
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
