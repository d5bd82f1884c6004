package dev.flashgate.ui.internal;

import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;

import org.eclipse.e4.core.di.annotations.Optional;
import org.eclipse.e4.core.di.extensions.Service;

import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.simulator.Simulators;

/**
 * Model add-on of the embedded default: plugs in the simulated devices named by
 * {@code flashgate.workbench.simulate} ({@code MODEL:SERIAL,...}) when the workbench starts, on a
 * background thread, and unplugs them when it closes. Without the property it does nothing.
 */
public final class SimulatedBench {

    private final List<SimulatedDevice> devices = new ArrayList<>();

    @PostConstruct
    public void start(@Optional @Service Simulators simulators) {
        String wanted = System.getProperty("flashgate.workbench.simulate", "");
        if (simulators == null || wanted.isBlank()) {
            return;
        }
        Thread t = new Thread(() -> {
            for (String spec : wanted.split(",")) {
                String[] modelSerial = spec.trim().split(":", 2);
                try {
                    SimulatedDevice d = simulators.start(modelSerial[0], modelSerial.length > 1 ? modelSerial[1] : "SIM");
                    synchronized (devices) {
                        devices.add(d);
                    }
                } catch (Exception e) {
                    System.err.println("flashgate: the simulated " + spec + " could not be started: " + e.getMessage());
                }
            }
        }, "flashgate-simulated-bench");
        t.setDaemon(true);
        t.start();
    }

    @PreDestroy
    public void stop() {
        synchronized (devices) {
            devices.forEach(SimulatedDevice::close);
            devices.clear();
        }
    }
}
