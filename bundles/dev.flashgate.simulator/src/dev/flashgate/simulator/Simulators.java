package dev.flashgate.simulator;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** Starts simulated devices: the embedded default without hardware, and the plugins' test bench. */
@ProviderType
public interface Simulators {

    /** The models this Flashgate can simulate, e.g. {@code HS920S}. */
    List<String> models();

    /**
     * Starts one simulated device of {@code model} with USB serial {@code serial}; its state is
     * kept under Flashgate's home, so the same serial comes back with the same firmware.
     */
    default SimulatedDevice start(String model, String serial) throws Exception {
        return start(model, serial, Faults.NONE);
    }

    /** Starts a device that will have the given faults (see {@link Faults}). */
    SimulatedDevice start(String model, String serial, Faults faults) throws Exception;

    List<SimulatedDevice> running();
}
