package dev.flashgate.device;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;

/**
 * Two ends of an in-memory serial line: what one writes, the other reads. Used by simulated
 * devices without a pty and by tests. Closing either end makes the other's reads fail with
 * {@code DEVICE_GONE} once it has read what was already sent, as an unplugged device would.
 */
public final class MemoryLink implements SerialLink {

    private static final int CAPACITY = 1 << 20;

    /** A bounded byte queue between two threads. */
    private static final class Pipe {
        private final byte[] ring = new byte[CAPACITY];
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition readable = lock.newCondition();
        private final Condition writable = lock.newCondition();
        private int head;
        private int size;
        private boolean closed;

        int read(byte[] buffer, int offset, int length, Duration timeout, String name) throws FlashgateException {
            long nanos = timeout.toNanos();
            lock.lock();
            try {
                while (size == 0) {
                    if (closed) {
                        throw new FlashgateException(ErrorCode.DEVICE_GONE, name + " was disconnected");
                    }
                    if (nanos <= 0) {
                        return 0;
                    }
                    nanos = readable.awaitNanos(nanos);
                }
                int n = Math.min(length, size);
                for (int i = 0; i < n; i++) {
                    buffer[offset + i] = ring[(head + i) % CAPACITY];
                }
                head = (head + n) % CAPACITY;
                size -= n;
                writable.signalAll();
                return n;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FlashgateException(ErrorCode.DEVICE_GONE, name + ": interrupted");
            } finally {
                lock.unlock();
            }
        }

        void write(byte[] data, int offset, int length, String name) throws FlashgateException {
            lock.lock();
            try {
                int written = 0;
                while (written < length) {
                    if (closed) {
                        throw new FlashgateException(ErrorCode.DEVICE_GONE, name + " was disconnected");
                    }
                    if (size == CAPACITY) {
                        if (!writable.await(10, TimeUnit.SECONDS)) {
                            throw new FlashgateException(ErrorCode.DEVICE_STALLED, name + ": the other end stopped reading");
                        }
                        continue;
                    }
                    int tail = (head + size) % CAPACITY;
                    ring[tail] = data[offset + written++];
                    size++;
                    readable.signalAll();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FlashgateException(ErrorCode.DEVICE_GONE, name + ": interrupted");
            } finally {
                lock.unlock();
            }
        }

        void discard() {
            lock.lock();
            try {
                head = 0;
                size = 0;
                writable.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void close() {
            lock.lock();
            try {
                closed = true;
                readable.signalAll();
                writable.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private final String name;
    private final Pipe in;
    private final Pipe out;
    private volatile boolean open = true;

    private MemoryLink(String name, Pipe in, Pipe out) {
        this.name = name;
        this.in = in;
        this.out = out;
    }

    /** A connected pair: {@code [0]} is the host end, {@code [1]} the device end. */
    public static MemoryLink[] pair(String name) {
        Pipe toDevice = new Pipe();
        Pipe toHost = new Pipe();
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
