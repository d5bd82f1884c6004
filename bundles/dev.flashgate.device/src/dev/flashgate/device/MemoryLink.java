package dev.flashgate.device;

import java.time.Duration;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;
import dev.flashgate.device.internal.ByteQueue;

/**
 * Two ends of an in-memory serial line: what one writes, the other reads. Used by simulated
 * devices without a pty and by tests. Closing either end makes the other's reads fail with
 * {@code DEVICE_GONE} once it has read what was already sent, as an unplugged device would.
 */
public final class MemoryLink implements SerialLink {

        private final String name;
    private final ByteQueue in;
    private final ByteQueue out;
    private volatile boolean open = true;

    private MemoryLink(String name, ByteQueue in, ByteQueue out) {
        this.name = name;
        this.in = in;
        this.out = out;
    }

    /** A connected pair: {@code [0]} is the host end, {@code [1]} the device end. */
    public static MemoryLink[] pair(String name) {
        ByteQueue toDevice = new ByteQueue();
        ByteQueue toHost = new ByteQueue();
        return new MemoryLink[] {new MemoryLink(name, toHost, toDevice), new MemoryLink(name + " (device end)", toDevice, toHost)};
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int read(byte[] buffer, int offset, int length, Duration timeout) throws FlashgateException {
        return in.read(buffer, offset, length, timeout, name);
    }

    @Override
    public boolean readFully(byte[] buffer, int offset, int length, Duration timeout) throws FlashgateException {
        return in.readFully(buffer, offset, length, timeout, name);
    }

    @Override
    public void write(byte[] data, int offset, int length) throws FlashgateException {
        out.write(data, offset, length, name);
    }

    @Override
    public void discardInput() {
        in.discard();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
        in.close();
        out.close();
    }
}
