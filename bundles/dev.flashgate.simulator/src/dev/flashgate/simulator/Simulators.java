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
    SimulatedDevice start(String model, String serial) throws Exception;

    List<SimulatedDevice> running();
}
