package dev.flashgate.device.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;

/** The queue behind every pty and memory link: order, wrap-around, back-pressure, close. */
class ByteQueueTest {

    private static final Duration SHORT = Duration.ofMillis(50);

    @Test
    void bytesComeOutInOrderAcrossManyWrapArounds() throws Exception {
        ByteQueue q = new ByteQueue();
        byte[] data = new byte[5 << 20]; // five times the ring, in writes of odd sizes
        new Random(7).nextBytes(data);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                for (int at = 0, step = 1; at < data.length; at += step, step = step * 3 % 300_007 + 1) {
                    q.write(data, at, Math.min(step, data.length - at), "q");
                }
            } catch (FlashgateException e) {
                throw new IllegalStateException(e);
            }
        });
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buffer = new byte[70_001];
        while (got.size() < data.length) {
            int n = q.read(buffer, 3, buffer.length - 3, Duration.ofSeconds(5), "q");
            got.write(buffer, 3, n);
        }
        writer.get(5, TimeUnit.SECONDS);
        assertArrayEquals(data, got.toByteArray());
    }

    @Test
    void aReadWithNothingQueuedReturnsNothingAfterItsTimeout() throws Exception {
        assertEquals(0, new ByteQueue().read(new byte[8], 0, 8, SHORT, "q"));
    }

    @Test
    void aClosedQueueDrainsThenSaysTheDeviceIsGone() throws Exception {
        ByteQueue q = new ByteQueue();
        q.write(new byte[] {1, 2, 3}, 0, 3, "q");
        q.close();
        byte[] buffer = new byte[8];
        assertEquals(3, q.read(buffer, 0, 8, SHORT, "q"));
        FlashgateException e = assertThrows(FlashgateException.class, () -> q.read(buffer, 0, 8, SHORT, "q"));
        assertEquals(ErrorCode.DEVICE_GONE, e.code());
        assertEquals(ErrorCode.DEVICE_GONE, assertThrows(FlashgateException.class, () -> q.write(buffer, 0, 1, "q")).code());
    }

    @Test
    void aFullQueueHoldsTheWriterUntilSomeoneReads() throws Exception {
        ByteQueue q = new ByteQueue();
        byte[] ring = new byte[1 << 20];
        q.write(ring, 0, ring.length, "q");
        CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> {
            try {
                q.write(new byte[] {42}, 0, 1, "q");
            } catch (FlashgateException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        assertEquals(false, blocked.isDone());
        assertEquals(4096, q.read(new byte[4096], 0, 4096, SHORT, "q"));
        blocked.get(5, TimeUnit.SECONDS);
        byte[] rest = new byte[ring.length];
        assertEquals(ring.length - 4096 + 1, q.read(rest, 0, rest.length, SHORT, "q"));
        assertEquals(42, rest[ring.length - 4096]);
    }

    @Test
    void aBulkReadGetsEveryByteInOrderAcrossWrapAroundsAndLargerThanTheRing() throws Exception {
        ByteQueue q = new ByteQueue();
        byte[] data = new byte[3 << 20];
        new Random(11).nextBytes(data);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                for (int at = 0, step = 1; at < data.length; at += step, step = step * 7 % 40_009 + 1) {
                    q.write(data, at, Math.min(step, data.length - at), "q");
                }
            } catch (FlashgateException e) {
                throw new IllegalStateException(e);
            }
        });
        byte[] got = new byte[data.length + 5];
        assertEquals(true, q.readFully(got, 2, 100_000, Duration.ofSeconds(5), "q"));
        assertEquals(true, q.readFully(got, 100_002, data.length - 100_000, Duration.ofSeconds(5), "q"), "more than the ring holds");
        writer.get(5, TimeUnit.SECONDS);
        assertArrayEquals(data, java.util.Arrays.copyOfRange(got, 2, 2 + data.length));
    }

    @Test
    void aBulkReadThatRunsOutOfTimeKeepsWhatArrivedAndOneOnAClosedQueueSaysGone() throws Exception {
        ByteQueue q = new ByteQueue();
        q.write(new byte[] {1, 2, 3}, 0, 3, "q");
        byte[] buffer = new byte[8];
        assertEquals(false, q.readFully(buffer, 0, 8, SHORT, "q"));
        assertArrayEquals(new byte[] {1, 2, 3, 0, 0, 0, 0, 0}, buffer);
        q.write(new byte[] {4}, 0, 1, "q");
        q.close();
        assertEquals(ErrorCode.DEVICE_GONE, assertThrows(FlashgateException.class,
                () -> q.readFully(new byte[4], 0, 4, Duration.ofSeconds(5), "q")).code(), "drains the 4, then the queue is gone");
    }
}
