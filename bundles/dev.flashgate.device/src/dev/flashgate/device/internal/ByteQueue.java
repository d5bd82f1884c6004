package dev.flashgate.device.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;

/**
 * A bounded byte queue between two threads, with reads that wait at most a given time (on a
 * condition, never spinning). Once closed, reads drain what is left and then fail with
 * {@code DEVICE_GONE}.
 */
public final class ByteQueue {
    private static final int CAPACITY = 1 << 20;

    private final byte[] ring = new byte[CAPACITY];
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();
    private int head;
    private int size;
    private boolean closed;
    /** How many bytes a waiting reader needs before waking it is worth it (a bulk read wants many). */
    private int wakeAt = 1;

    public int read(byte[] buffer, int offset, int length, Duration timeout, String name) throws FlashgateException {
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
            return take(buffer, offset, length);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlashgateException(ErrorCode.DEVICE_GONE, name + ": interrupted");
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads exactly {@code length} bytes unless {@code timeout} runs out first (then what arrived is
     * in {@code buffer}); returns whether all arrived. Unlike a loop of {@link #read}, the reader is
     * woken once enough has arrived, not for every piece the writer hands over.
     */
    public boolean readFully(byte[] buffer, int offset, int length, Duration timeout, String name) throws FlashgateException {
        long nanos = timeout.toNanos();
        int have = 0;
        lock.lock();
        try {
            while (have < length) {
                // woken at half the ring, so the writer never waits for a full ring to be drained
                int need = Math.min(length - have, CAPACITY / 2);
                while (size < need && !closed && nanos > 0) {
                    wakeAt = need;
                    nanos = readable.awaitNanos(nanos);
                }
                wakeAt = 1;
                if (size == 0 && closed) {
                    throw new FlashgateException(ErrorCode.DEVICE_GONE, name + " was disconnected");
                }
                have += take(buffer, offset + have, length - have);
                if (have < length && nanos <= 0) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlashgateException(ErrorCode.DEVICE_GONE, name + ": interrupted");
        } finally {
            wakeAt = 1;
            lock.unlock();
        }
    }

    /** Moves up to {@code length} queued bytes into {@code buffer}; the lock is held. */
    private int take(byte[] buffer, int offset, int length) {
        int n = Math.min(length, size);
        int first = Math.min(n, CAPACITY - head);
        System.arraycopy(ring, head, buffer, offset, first);
        System.arraycopy(ring, 0, buffer, offset + first, n - first);
        head = (head + n) % CAPACITY;
        size -= n;
        if (n > 0) {
            writable.signalAll();
        }
        return n;
    }

    public void write(byte[] data, int offset, int length, String name) throws FlashgateException {
        write(java.nio.ByteBuffer.wrap(data, offset, length), name);
    }

    /** Appends what {@code data} has remaining (copied once, straight into the ring); waits while the queue is full. */
    public void write(java.nio.ByteBuffer data, String name) throws FlashgateException {
        int length = data.remaining();
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
                int n = Math.min(length - written, CAPACITY - size);
                int tail = (head + size) % CAPACITY;
                int first = Math.min(n, CAPACITY - tail);
                data.get(ring, tail, first);
                data.get(ring, 0, n - first);
                size += n;
                written += n;
                if (size >= wakeAt) {
                    readable.signalAll();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlashgateException(ErrorCode.DEVICE_GONE, name + ": interrupted");
        } finally {
            lock.unlock();
        }
    }

    public void discard() {
        lock.lock();
        try {
            head = 0;
            size = 0;
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public void close() {
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
