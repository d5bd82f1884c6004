package dev.flashgate.core.device;

import java.util.Objects;

/**
 * A serial port as discovery sees it. {@code path} is the node of the moment (it changes on every
 * re-enumeration); {@code stableName} is the {@code /dev/serial/by-id} style name when there is
 * one. {@code usbPath} is the physical USB port the device sits in, as {@code /dev/serial/by-path}
 * names it without the interface (e.g. {@code pci-0000:00:14.0-usb-0:3}), or {@code null}: it stays
 * while the device stays in the same socket, whatever it re-enumerates as. {@code usb} is {@code null} when the OS does not say; {@code usbInterface} is -1 then.
 * {@code role} is what the device table says the port speaks ({@code at}, {@code diag},
 * {@code edl}, ...), or what the port was seen to speak (a port of a USB id the table does not
 * list that answered the AT identity probe is {@code at}), or {@code null} when unknown.
 */
public record PortInfo(String path, String stableName, UsbId usb, String usbSerial, int usbInterface, String role,
        Origin origin, String usbPath) {

    /** How discovery learned of the port. */
    public enum Origin {
        /** Enumerated by the operating system. */
        SYSTEM,
        /** A {@code by-id} folder Flashgate watches (the system's or the simulators'). */
        BY_ID,
        /** Named explicitly by the operator ({@code --port}). */
        CONFIGURED
    }

    public PortInfo {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(origin, "origin");
    }

    /** A port whose physical USB port is not known. */
    public PortInfo(String path, String stableName, UsbId usb, String usbSerial, int usbInterface, String role, Origin origin) {
        this(path, stableName, usb, usbSerial, usbInterface, role, origin, null);
    }

    public PortInfo withRole(String newRole) {
        return new PortInfo(path, stableName, usb, usbSerial, usbInterface, newRole, origin, usbPath);
    }

    public PortInfo withUsbPath(String physical) {
        return new PortInfo(path, stableName, usb, usbSerial, usbInterface, role, origin, physical);
    }
}
