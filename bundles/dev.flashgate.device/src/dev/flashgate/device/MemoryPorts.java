package dev.flashgate.device;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;

/**
 * Serial ports that exist only in memory: simulated devices plug their device end in here when no
 * pty can be made, and the host end opens through {@link dev.flashgate.core.device.SerialLinks} as
 * {@code mem:<name>}, where discovery finds it as it finds a by-id link.
 */
@ProviderType
public interface MemoryPorts {

    String PREFIX = "mem:";

    /** A plugged-in port: its by-id style name, and a number that changes each time it is plugged in. */
    record Plugged(String name, long generation) {
        public String path() {
            return PREFIX + name;
        }
    }

    /** Plugs in a port named like a by-id link; returns the device end. Closing it unplugs the port. */
    SerialLink plug(String name) throws FlashgateException;

    List<Plugged> plugged();

    /** Opens the host end of {@code mem:<name>}, one user at a time. */
    SerialLink open(String path) throws FlashgateException;
}
