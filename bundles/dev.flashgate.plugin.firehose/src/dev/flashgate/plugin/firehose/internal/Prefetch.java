package dev.flashgate.plugin.firehose.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The payloads of one program command, read (and re-hashed by the package) on a helper thread
 * while the previous payload is on its way to the device, so the link never waits for the
 * package. Chunks are {@code payload} bytes of the image, the last one padded with zeros to the
 * end of the range. Closing stops the helper and waits for it, so the caller may close the
 * stream right after. The helper is never interrupted: that would close the package's file
 * channel under the session.
 */
final class Prefetch implements AutoCloseable {

    /** One payload; {@code length == 0} marks the end. */
    record Chunk(byte[] bytes, int length) {
    }

    private static final Chunk END = new Chunk(new byte[0], 0);

    private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(2);
    private final BlockingQueue<byte[]> empty = new ArrayBlockingQueue<>(3);
    private final Thread reader;
    private volatile Exception failure;
    private volatile boolean closed;

    Prefetch(InputStream data, long size, long total, int payload, String label) {
        for (int i = 0; i < 3; i++) {
            empty.add(new byte[payload]);
        }
        reader = Thread.ofPlatform().daemon().name("firehose-prefetch " + label).start(() -> fill(data, size, total));
    }

    private void fill(InputStream data, long size, long total) {
        try {
            for (long at = 0; at < total;) {
                byte[] chunk = empty.take();
                if (closed) {
                    return;
                }
                int want = (int) Math.min(chunk.length, total - at);
                int fromData = (int) Math.max(0, Math.min(want, size - at));
                int have = fromData == 0 ? 0 : data.readNBytes(chunk, 0, fromData);
                if (have < fromData) {
                    throw new IOException("the image ended after " + (at + have) + " of " + size + " bytes");
                }
                Arrays.fill(chunk, have, want, (byte) 0); // the tail of the last sector
                at += want;
                full.put(new Chunk(chunk, want));
            }
            full.put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            failure = e;
            full.offer(END);
        }
    }

    /** The next payload, or {@code null} after the last; a package read failure is thrown here. */
    Chunk next() throws IOException {
        try {
            Chunk c = full.take();
            if (c == END) {
                if (failure != null) {
                    throw failure instanceof IOException io ? io : new IOException(failure.getMessage(), failure);
                }
                return null;
            }
            return c;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the image");
        }
    }

    /** Hands a payload's buffer back once it has been written. */
    void recycle(Chunk c) {
        empty.offer(c.bytes());
    }

    @Override
    public void close() {
        closed = true;
        byte[] spare = new byte[0];
        try {
            while (reader.isAlive()) { // unblock it wherever it waits: on a free buffer or a full queue
                full.clear();
                empty.offer(spare);
                reader.join(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
