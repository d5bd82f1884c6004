package dev.flashgate.core.device;

import java.util.Locale;

/** A USB vendor and product id, written {@code 19d2:1405}. */
public record UsbId(int vendorId, int productId) {

    public UsbId {
        if (vendorId < 0 || vendorId > 0xFFFF || productId < 0 || productId > 0xFFFF) {
            throw new IllegalArgumentException("USB ids are 16-bit");
        }
    }

    /** Parses {@code vvvv:pppp} (hex). */
    public static UsbId parse(String text) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split(":");
        if (parts.length != 2) {
            throw new IllegalArgumentException("not a USB id: " + text);
        }
        return new UsbId(Integer.parseInt(parts[0], 16), Integer.parseInt(parts[1], 16));
    }

    @Override
    public String toString() {
        return String.format("%04x:%04x", vendorId, productId);
    }
}
