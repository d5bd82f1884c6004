package dev.flashgate.simulator;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A simulated cellular terminal speaking the real protocols. Its ports are ptys published as
 * {@code by-id} links (or in-memory links); its state lives in files, so a power cycle keeps it.
 */
@ProviderType
public interface SimulatedDevice extends AutoCloseable {

    String model();

    String imei();

    /** The USB serial number its by-id names carry. */
    String serial();

    /** The firmware revision it reports now. */
    String revision();

    /** Paths the host opens to talk to it (by-id links), in USB interface order. */
    List<String> hostPorts();

    /**
     * What the device would do if powered up now, and what it needs to recover, e.g. {@code boots
     * FG_HS920S_A01 from slot A} or {@code needs EDL recovery: modem partition torn}.
     */
    String condition();

    /**
     * Arms {@code faults} from now on, replacing those it had; byte thresholds count from now. A
     * test bench uses it to let discovery identify the device first, then make the session fail.
     */
    void inject(Faults faults);

    /**
     * Drops off the bus and comes back on new ports, as a device does when it reboots or switches
     * mode; blocks until the new ports exist.
     */
    void reenumerate() throws Exception;

    /** Unplugs the device: its ports vanish. */
    @Override
    void close();
}
