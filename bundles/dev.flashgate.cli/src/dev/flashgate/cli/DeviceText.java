package dev.flashgate.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.flashgate.core.Printable;
import dev.flashgate.core.device.Device;
import dev.flashgate.core.device.PortInfo;

/** Devices as a technician reads them, and as JSON. */
final class DeviceText {

    private DeviceText() {
    }

    static void table(PrintWriter w, List<Device> devices) {
        if (devices.isEmpty()) {
            w.println("no devices found (plug one in, or start simulated ones with 'flashgate simulate')");
            return;
        }
        EscapingWriter.line(w, "%-8s %-10s %-22s %-16s %-6s %s", "STATE", "MODEL", "REVISION", "IMEI", "MODE", "PORTS");
        for (Device d : devices) {
            w.println(Printable.line(line(d)));
        }
    }

    static String line(Device d) {
        String model = d.identity() != null && d.identity().model() != null ? d.identity().model() : "?";
        String revision = d.identity() != null && d.identity().revision() != null ? d.identity().revision() : "-";
        String imei = d.identity() != null && d.identity().imei() != null ? d.identity().imei() : "-";
        String ports = d.ports().stream().map(DeviceText::port).collect(Collectors.joining(" "));
        return String.format("%-8s %-10s %-22s %-16s %-6s %s", d.presence(), model, revision, imei, d.mode(), ports);
    }

    private static String port(PortInfo p) {
        return (p.role() == null ? "" : p.role() + "=") + (p.stableName() != null ? p.stableName() : p.path());
    }

    static ArrayNode json(List<Device> devices) {
        ArrayNode list = ReportJson.MAPPER.createArrayNode();
        for (Device d : devices) {
            ObjectNode node = list.addObject().put("id", d.id()).put("presence", d.presence().name())
                    .put("mode", d.mode().name()).put("vendor", d.vendor()).put("family", d.family()).put("chipset", d.chipset())
                    .put("lastSeen", d.lastSeen() == null ? null : d.lastSeen().toString());
            if (d.identity() != null) {
                node.putObject("identity").put("manufacturer", d.identity().manufacturer()).put("model", d.identity().model())
                        .put("revision", d.identity().revision()).put("imei", d.identity().imei());
            }
            ArrayNode ports = node.putArray("ports");
            for (PortInfo p : d.ports()) {
                ports.addObject().put("path", p.path()).put("stableName", p.stableName()).put("role", p.role())
                        .put("usb", p.usb() == null ? null : p.usb().toString()).put("usbSerial", p.usbSerial())
                        .put("usbInterface", p.usbInterface()).put("usbPath", p.usbPath()).put("origin", p.origin().name());
            }
        }
        return list;
    }
}
