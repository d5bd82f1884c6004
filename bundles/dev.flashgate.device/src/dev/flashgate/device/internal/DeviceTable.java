package dev.flashgate.device.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.flashgate.core.device.DeviceMode;
import dev.flashgate.core.device.UsbId;

/**
 * The USB device table, kept as data ({@code device-table.json}): which vendor, family, chipset
 * and mode a USB id means, and what each interface speaks. Simulated devices carry no USB ids,
 * so entries also list the {@code by-id} product names they appear under.
 */
final class DeviceTable {

    /** One table row. {@code roles} maps USB interface numbers to port roles. */
    record Entry(UsbId usb, String vendor, String family, String chipset, DeviceMode mode, Map<Integer, String> roles,
            List<String> byIdProducts) {

        String role(int usbInterface) {
            return roles.get(usbInterface);
        }
    }

    private final Map<UsbId, Entry> byUsb = new HashMap<>();
    private final Map<String, Entry> byProduct = new HashMap<>();

    DeviceTable(List<Entry> entries) {
        for (Entry e : entries) {
            byUsb.put(e.usb(), e);
            e.byIdProducts().forEach(p -> byProduct.put(p, e));
        }
    }

    static DeviceTable load() {
        try (InputStream in = DeviceTable.class.getResourceAsStream("device-table.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<Entry> entries = new ArrayList<>();
            for (JsonNode e : root.get("devices")) {
                Map<Integer, String> roles = new HashMap<>();
                e.path("interfaces").properties().forEach(f -> roles.put(Integer.parseInt(f.getKey()), f.getValue().asText()));
                List<String> products = new ArrayList<>();
                e.path("byIdProducts").forEach(p -> products.add(p.asText()));
                entries.add(new Entry(UsbId.parse(e.get("usb").asText()), e.get("vendor").asText(), e.get("family").asText(),
                        e.hasNonNull("chipset") ? e.get("chipset").asText() : null, DeviceMode.valueOf(e.get("mode").asText()),
                        Map.copyOf(roles), List.copyOf(products)));
            }
            return new DeviceTable(entries);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the built-in device table is unreadable", e);
        }
    }

    Optional<Entry> lookup(UsbId usb) {
        return Optional.ofNullable(usb == null ? null : byUsb.get(usb));
    }

    /** By the {@code Vendor_Product} part of a by-id name, e.g. {@code ZTE_MF833S}. */
    Optional<Entry> lookupProduct(String vendorProduct) {
        return Optional.ofNullable(byProduct.get(vendorProduct));
    }
}
