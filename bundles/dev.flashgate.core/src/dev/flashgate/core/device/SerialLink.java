package dev.flashgate.core.device;

import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

import dev.flashgate.core.FlashgateException;

/**
 * A byte link to a device: a serial port, a pty or an in-memory pipe. Reads wait at most the
 * given time and never busy-wait. A link whose other end vanished fails with
 * {@code DEVICE_GONE}.
 */
@ProviderType
public interface SerialLink extends AutoCloseable {

    /** Where the link goes, for messages and logs. */
    String name();

    /**
     * Reads up to {@code length} bytes, waiting at most {@code timeout} for the first one.
     * Returns the number read, 0 when the time ran out.
     */
    int read(byte[] buffer, int offset, int length, Duration timeout) throws FlashgateException;

    /**
     * Reads exactly {@code length} bytes unless {@code timeout} runs out first; returns whether all
     * arrived (what did arrive is in {@code buffer} either way).
     */
    default boolean readFully(byte[] buffer, int offset, int length, Duration timeout) throws FlashgateException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int have = 0;
        while (have < length) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            have += read(buffer, offset + have, length - have, Duration.ofNanos(left));
        }
        return true;
    }

    /** Writes all of {@code data}. */
    void write(byte[] data, int offset, int length) throws FlashgateException;

    default void write(byte[] data) throws FlashgateException {
        write(data, 0, data.length);
    }

    /** Drops whatever the device sent that nobody read yet. */
    void discardInput() throws FlashgateException;

    boolean isOpen();

    @Override
    void close();
}
