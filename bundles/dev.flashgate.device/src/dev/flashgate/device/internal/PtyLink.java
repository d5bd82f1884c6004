package dev.flashgate.device.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;

/**
 * A link to a pseudo-terminal (the simulators' ports). A reader thread blocks on the node and fills
 * a queue, so reads honour their deadlines whatever the terminal settings; closing the channel
 * wakes the reader. The pty's line discipline is the one its creator set (socat: raw, no echo).
 */
final class PtyLink implements SerialLink {

    private final String name;
    // two descriptors: a FileChannel serialises reads and writes at its position, and the reader blocks
    private final FileChannel in;
    private final FileChannel out;
    private final ByteQueue input = new ByteQueue();
    private final Thread reader;
    private final PortLock lock;

    PtyLink(String name, Path node, PortLock lock) throws IOException {
        this.name = name;
        this.lock = lock;
        this.in = FileChannel.open(node, StandardOpenOption.READ);
        this.out = FileChannel.open(node, StandardOpenOption.WRITE);
        this.reader = new Thread(this::pump, "pty-reader " + name);
        reader.setDaemon(true);
        reader.start();
    }

    private void pump() {
        // direct: the kernel fills it and the queue copies from it, one copy (a heap buffer costs the JDK another)
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        try {
            while (in.read(buffer.clear()) >= 0) {
                input.write(buffer.flip(), name);
            }
        } catch (IOException | FlashgateException e) {
            // the other end hung up (EIO), or this link was closed
        } finally {
            input.close();
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int read(byte[] buffer, int offset, int length, Duration timeout) throws FlashgateException {
        return input.read(buffer, offset, length, timeout, name);
    }

    @Override
    public boolean readFully(byte[] buffer, int offset, int length, Duration timeout) throws FlashgateException {
        return input.readFully(buffer, offset, length, timeout, name);
    }

    @Override
    public void write(byte[] data, int offset, int length) throws FlashgateException {
        try {
            ByteBuffer b = ByteBuffer.wrap(data, offset, length);
            while (b.hasRemaining()) {
                out.write(b);
            }
        } catch (ClosedChannelException e) {
            throw new FlashgateException(ErrorCode.DEVICE_GONE, name + " is closed");
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.DEVICE_GONE, name + " disconnected: " + e.getMessage());
        }
    }

    @Override
    public void discardInput() {
        input.discard();
    }

    @Override
    public boolean isOpen() {
        return out.isOpen();
    }

    @Override
    public void close() {
        try {
            out.close();
            in.close();
        } catch (IOException e) {
            // closing is all that is left to do
        }
        input.close();
        lock.close();
    }
}
