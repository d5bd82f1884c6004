package dev.flashgate.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.flashgate.core.device.Device;
import dev.flashgate.core.device.DeviceDiscovery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flashgate devices}: every attached device, identified; with {@code --watch}, as they come and go. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "List attached devices (USB serial ports, by-id folders, simulated devices), identified over AT.")
final class DevicesCommand implements Callable<Integer> {

    @Option(names = "--port", paramLabel = "PATH", description = "Also probe this port, e.g. a pty (repeatable).")
    List<String> ports = new ArrayList<>();

    @Option(names = "--watch", description = "Keep running and print devices as they arrive, change and leave.")
    boolean watch;

    @Option(names = "--json", description = "Print as JSON (with --watch: one JSON array per change).")
    boolean json;

    private final Services services;

    DevicesCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() {
        DeviceDiscovery discovery = services.discovery().get();
        ports.forEach(discovery::addPort);
        discovery.rescan();
        Terminal t = services.terminal();
        List<Device> devices = discovery.devices();
        print(t, devices);
        if (!watch) {
            return 0;
        }
        Map<String, String> seen = lines(devices);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return 0; // the watch was ended (Ctrl-C, or the caller's interrupt)
            }
            List<Device> now = discovery.devices();
            Map<String, String> current = lines(now);
            if (json && !current.equals(seen)) {
                print(t, now);
            } else if (!json) {
                printChanges(t, seen, current);
            }
            seen = current;
        }
        return 0;
    }

    /** {@code +} a device arrived, {@code ~} it changed (ports, identity, presence), {@code -} it was forgotten. */
    private static void printChanges(Terminal t, Map<String, String> before, Map<String, String> now) {
        now.forEach((id, line) -> {
            if (!line.equals(before.get(id))) {
                t.out().println((before.containsKey(id) ? "~ " : "+ ") + line);
            }
        });
        before.keySet().stream().filter(id -> !now.containsKey(id)).forEach(id -> t.out().println("- " + id + " forgotten"));
        t.out().flush();
    }

    private void print(Terminal t, List<Device> devices) {
        if (json) {
            t.out().println(ReportJson.text(DeviceText.json(devices)));
        } else {
            DeviceText.table(t.out(), devices);
        }
        t.out().flush();
    }

    private static Map<String, String> lines(List<Device> devices) {
        Map<String, String> lines = new HashMap<>();
        devices.forEach(d -> lines.put(d.id(), DeviceText.line(d)));
        return lines;
    }
}
