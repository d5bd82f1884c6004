package dev.flashgate.simulator;

import java.util.List;
import java.util.Locale;

/**
 * Faults a simulated device can be told to have, for tests and for rehearsing failures:
 * <ul>
 * <li>{@code drop-after=N}: the device drops off the bus once it has received N bytes (cable pulled);</li>
 * <li>{@code stall-after=N} with {@code stall-ms=T}: it stops reading for T ms after N bytes;</li>
 * <li>{@code nak-next}: it refuses the next command (AT {@code ERROR}, Firehose NAK, YMODEM NAK);</li>
 * <li>{@code storage-full}: it reports no free storage;</li>
 * <li>{@code power-loss-after=N}: power fails after N received bytes, or during an apply;</li>
 * <li>{@code corrupt-write}: the next image it stores has one byte flipped (worn flash), which only
 * a readback check finds;</li>
 * <li>{@code flash-mibps=N}: the modem's NAND programs at most N MiB/s, as real flash does (by default
 * the simulated flash is as fast as the host's disk).</li>
 * </ul>
 * A value of -1 (or false) means the fault is off.
 */
public record Faults(long dropAfterBytes, long stallAfterBytes, long stallMillis, boolean nakNext, boolean storageFull,
        long powerLossAfterBytes, boolean corruptWrite, long flashMibps) {

    public static final Faults NONE = new Faults(-1, -1, 0, false, false, -1, false, 0);

    /** Parses {@code name[=value]} items as listed above; throws IllegalArgumentException on anything else. */
    public static Faults parse(List<String> specs) {
        Faults f = NONE;
        for (String spec : specs) {
            String[] kv = spec.trim().toLowerCase(Locale.ROOT).split("=", 2);
            long value = kv.length == 2 ? Long.parseLong(kv[1]) : -1;
            f = switch (kv[0]) {
                case "drop-after" -> new Faults(positive(value, spec), f.stallAfterBytes, f.stallMillis, f.nakNext, f.storageFull,
                        f.powerLossAfterBytes, f.corruptWrite, f.flashMibps);
                case "stall-after" -> new Faults(f.dropAfterBytes, positive(value, spec), f.stallMillis == 0 ? 5000 : f.stallMillis,
                        f.nakNext, f.storageFull, f.powerLossAfterBytes, f.corruptWrite, f.flashMibps);
                case "stall-ms" -> new Faults(f.dropAfterBytes, f.stallAfterBytes < 0 ? 0 : f.stallAfterBytes, positive(value, spec),
                        f.nakNext, f.storageFull, f.powerLossAfterBytes, f.corruptWrite, f.flashMibps);
                case "nak-next" -> new Faults(f.dropAfterBytes, f.stallAfterBytes, f.stallMillis, true, f.storageFull,
                        f.powerLossAfterBytes, f.corruptWrite, f.flashMibps);
                case "storage-full" -> new Faults(f.dropAfterBytes, f.stallAfterBytes, f.stallMillis, f.nakNext, true,
                        f.powerLossAfterBytes, f.corruptWrite, f.flashMibps);
                case "power-loss-after" -> new Faults(f.dropAfterBytes, f.stallAfterBytes, f.stallMillis, f.nakNext, f.storageFull,
                        value < 0 ? 0 : value, f.corruptWrite, f.flashMibps);
                case "corrupt-write" -> new Faults(f.dropAfterBytes, f.stallAfterBytes, f.stallMillis, f.nakNext, f.storageFull,
                        f.powerLossAfterBytes, true, f.flashMibps);
                case "flash-mibps" -> new Faults(f.dropAfterBytes, f.stallAfterBytes, f.stallMillis, f.nakNext, f.storageFull,
                        f.powerLossAfterBytes, f.corruptWrite, positive(value, spec));
                default -> throw new IllegalArgumentException("unknown fault '" + spec
                        + "'; known: drop-after=N, stall-after=N, stall-ms=T, nak-next, storage-full, power-loss-after=N, "
                        + "corrupt-write, flash-mibps=N");
            };
        }
        return f;
    }

    private static long positive(long value, String spec) {
        if (value < 0) {
            throw new IllegalArgumentException("'" + spec + "' needs a value");
        }
        return value;
    }
}
