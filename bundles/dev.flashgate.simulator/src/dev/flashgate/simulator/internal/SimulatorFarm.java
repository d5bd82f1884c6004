package dev.flashgate.simulator.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.FlashgateHome;
import dev.flashgate.core.device.SerialLinks;
import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.simulator.Simulators;

/**
 * Runs simulated devices under {@code <home>/sim}: their state in {@code devices/<serial>}, their
 * host ports as links in {@code by-id}, the folder device discovery watches.
 */
@Component(service = Simulators.class)
public final class SimulatorFarm implements Simulators {

    private final SerialLinks links;
    private final Path root;
    private final List<SimulatedDevice> running = new ArrayList<>();

    @Activate
    public SimulatorFarm(@Reference SerialLinks links, BundleContext context) {
        this(links, FlashgateHome.resolve(context.getProperty(FlashgateHome.PROPERTY)).resolve("sim"));
    }

    public SimulatorFarm(SerialLinks links, Path root) {
        this.links = links;
        this.root = root;
    }

    /** The folder holding the simulators' by-id links. */
    public Path byIdFolder() {
        return root.resolve("by-id");
    }

    @Override
    public List<String> models() {
        return List.of(Hotspot.MODEL);
    }

    @Override
    public synchronized SimulatedDevice start(String model, String serial) throws Exception {
        if (!serial.matches("[A-Za-z0-9]{1,32}")) {
            throw new FlashgateException(ErrorCode.USAGE, "a simulated serial number is 1 to 32 letters and digits");
        }
        SimulatedDevice device = switch (model) {
            case Hotspot.MODEL -> {
                Hotspot h = new Hotspot(serial, root.resolve("devices").resolve(serial), byIdFolder(), links);
                h.plugIn();
                yield h;
            }
            default -> throw new FlashgateException(ErrorCode.USAGE, "no simulator for model '" + model + "'; known: " + models());
        };
        running.add(device);
        return device;
    }

    @Override
    public synchronized List<SimulatedDevice> running() {
        running.removeIf(d -> d.hostPorts().isEmpty());
        return List.copyOf(running);
    }

    @Deactivate
    public synchronized void close() {
        running.forEach(SimulatedDevice::close);
        running.clear();
    }
}
