package dev.flashgate.simulator.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.FlashgateHome;
import dev.flashgate.core.device.SerialLinks;
import dev.flashgate.device.MemoryPorts;
import dev.flashgate.simulator.Faults;
import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.simulator.Simulators;

/**
 * Runs simulated devices under {@code <home>/sim}: their state in {@code devices/<serial>}, their
 * host ports as links in {@code by-id}, the folder device discovery watches.
 */
@Component(service = Simulators.class)
public final class SimulatorFarm implements Simulators {

    private final SimPorts ports;
    private final Path root;
    private final List<SimulatedDevice> running = new ArrayList<>();
    /** socat runs as a child process: unplug every device when the JVM ends, however it ends politely. */
    private final Thread unplugOnExit = new Thread(this::close, "flashgate-simulators-exit");

    @Activate
    public SimulatorFarm(@Reference SerialLinks links, @Reference MemoryPorts memory, BundleContext context) {
        this(links, memory, FlashgateHome.resolve(context.getProperty(FlashgateHome.PROPERTY)).resolve("sim"), socatAvailable());
    }

    /** Devices on socat ptys under {@code root}, or on in-memory ports when {@code ptys} is false. */
    public SimulatorFarm(SerialLinks links, MemoryPorts memory, Path root, boolean ptys) {
        this.root = root;
        this.ports = ptys ? SimPorts.ptys(links, root.resolve("by-id")) : SimPorts.inMemory(memory);
        Runtime.getRuntime().addShutdownHook(unplugOnExit);
        removeDanglingLinks(byIdFolder());
        removeDanglingLinks(root.resolve("by-path"));
    }

    static boolean socatAvailable() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, "socat"))) {
                return true;
            }
        }
        return false;
    }

    /** Links left by a simulator process that was killed outright point nowhere: take them away. */
    private static void removeDanglingLinks(Path folder) {
        try (Stream<Path> links = Files.list(folder)) {
            for (Path link : links.filter(Files::isSymbolicLink).filter(l -> !Files.exists(l)).toList()) {
                Files.deleteIfExists(link);
            }
        } catch (IOException e) {
            // no folder yet, or not ours to clean: discovery skips dangling links anyway
        }
    }

    /** The folder holding the simulators' by-id links. */
    public Path byIdFolder() {
        return root.resolve("by-id");
    }

    @Override
    public List<String> models() {
        return List.of(Hotspot.MODEL, Modem.MODEL, LteModule.MODEL);
    }

    @Override
    public synchronized SimulatedDevice start(String model, String serial, Faults faults, Set<String> signedProgrammers)
            throws Exception {
        if (!serial.matches("[A-Za-z0-9]{1,32}")) {
            throw new FlashgateException(ErrorCode.USAGE, "a simulated serial number is 1 to 32 letters and digits");
        }
        SimulatedDevice device = switch (model) {
            case Hotspot.MODEL -> {
                Hotspot h = new Hotspot(serial, root.resolve("devices").resolve(serial), ports, faults);
                h.plugIn();
                yield h;
            }
            case LteModule.MODEL -> {
                LteModule l = new LteModule(serial, root.resolve("devices").resolve(serial), ports, faults);
                l.plugIn();
                yield l;
            }
            case Modem.MODEL -> {
                Modem m = new Modem(serial, root.resolve("devices").resolve(serial), ports, signedProgrammers, faults);
                m.plugIn();
                yield m;
            }
            default -> throw new FlashgateException(ErrorCode.USAGE, "no simulator for model '" + model + "'; known: " + models());
        };
        running.add(device);
        return device;
    }

    /** Like {@link #start}, with the device's remembered state (firmware, flash) wiped first: factory new. */
    public synchronized SimulatedDevice startFactoryNew(String model, String serial) throws Exception {
        Path state = root.resolve("devices").resolve(serial);
        if (Files.exists(state)) {
            try (Stream<Path> files = Files.walk(state)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        return start(model, serial, Faults.NONE);
    }

    @Override
    public synchronized List<SimulatedDevice> running() {
        running.removeIf(d -> d.hostPorts().isEmpty());
        return List.copyOf(running);
    }

    @Deactivate
    public void deactivate() {
        try {
            Runtime.getRuntime().removeShutdownHook(unplugOnExit);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running or has run
        }
        close();
    }

    public synchronized void close() {
        running.forEach(SimulatedDevice::close);
        running.clear();
    }
}
