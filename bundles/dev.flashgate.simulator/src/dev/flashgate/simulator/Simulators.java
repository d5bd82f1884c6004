package dev.flashgate.simulator;

import java.util.List;
import java.util.Set;

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
    default SimulatedDevice start(String model, String serial, Faults faults) throws Exception {
        return start(model, serial, faults, Set.of());
    }

    /**
     * Starts a device whose boot ROM also accepts the programmers of these SHA-256 digests
     * (lowercase hex) besides the demo one: what lets anyone build modem packages for it.
     */
    SimulatedDevice start(String model, String serial, Faults faults, Set<String> signedProgrammers) throws Exception;

    List<SimulatedDevice> running();
}
