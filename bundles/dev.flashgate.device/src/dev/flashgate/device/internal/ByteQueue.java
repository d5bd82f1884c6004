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
            int n = Math.min(length, size);
            int first = Math.min(n, CAPACITY - head);
            System.arraycopy(ring, head, buffer, offset, first);
            System.arraycopy(ring, 0, buffer, offset + first, n - first);
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

    public void write(byte[] data, int offset, int length, String name) throws FlashgateException {
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
                System.arraycopy(data, offset + written, ring, tail, first);
                System.arraycopy(data, offset + written + first, ring, 0, n - first);
                size += n;
                written += n;
                readable.signalAll();
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
