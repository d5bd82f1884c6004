package dev.flashgate.upgrade;

import java.time.Duration;
import java.util.Objects;

/**
 * How a session behaves. {@code stallTimeout}: no byte moving on an open link this long, from
 * PREPARING to the end of ACTIVATING, is {@code DEVICE_STALLED}. {@code reconnectTimeout}: how long to wait for a device that dropped
 * off or rebooted. {@code retries}: how often a transfer is retried after a dropped link.
 * {@code minHostDisk} / {@code minHostMemory}: bytes the station must have free.
 */
public record SessionOptions(Duration stallTimeout, Duration reconnectTimeout, int retries, long minHostDisk,
        long minHostMemory) {

    public static final SessionOptions DEFAULTS = new SessionOptions(Duration.ofSeconds(20), Duration.ofSeconds(60), 2,
            64L << 20, 32L << 20);

    public SessionOptions {
        Objects.requireNonNull(stallTimeout, "stallTimeout");
        Objects.requireNonNull(reconnectTimeout, "reconnectTimeout");
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0");
        }
    }

    public SessionOptions withStallTimeout(Duration timeout) {
        return new SessionOptions(timeout, reconnectTimeout, retries, minHostDisk, minHostMemory);
    }

    public SessionOptions withReconnectTimeout(Duration timeout) {
        return new SessionOptions(stallTimeout, timeout, retries, minHostDisk, minHostMemory);
    }

    public SessionOptions withRetries(int count) {
        return new SessionOptions(stallTimeout, reconnectTimeout, count, minHostDisk, minHostMemory);
    }

    public SessionOptions withHostMinimums(long disk, long memory) {
        return new SessionOptions(stallTimeout, reconnectTimeout, retries, disk, memory);
    }
}
