package dev.flashgate.core.device;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A physical device as Flashgate knows it. {@code id} is stable: {@code imei:<IMEI>} once the
 * device identified itself, {@code port:<stable name or path>} before. A device that goes away
 * is kept as {@link Presence#GONE} for a grace period, so the one that comes back on another
 * port (same IMEI) is recognised as the same device.
 */
public record Device(
        String id,
        Identity identity,
        String vendor,
        String family,
        String chipset,
        DeviceMode mode,
        List<PortInfo> ports,
        Presence presence,
        Instant lastSeen) {

    public enum Presence {
        PRESENT, GONE
    }

    public Device {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(presence, "presence");
        ports = List.copyOf(ports);
    }

    /** The first port that speaks {@code role}, if any. */
    public Optional<PortInfo> port(String role) {
        return ports.stream().filter(p -> role.equals(p.role())).findFirst();
    }
}
