package dev.flashgate.device.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;

/**
 * One user of a port at a time, across threads and processes: an OS file lock on a lock file
 * named after the port's node. A pty cannot refuse a second opener as a USB serial driver does,
 * and two readers on one line would each get half of every answer.
 */
final class PortLock implements AutoCloseable {

    private static final Path FOLDER = Paths.get(System.getProperty("java.io.tmpdir"), "flashgate-port-locks");

    private final FileChannel channel;
    private final FileLock lock;

    private PortLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the port, waiting up to {@code patience} for its current user (a short probe) to let go. */
    static PortLock take(String realPath, Duration patience) throws FlashgateException {
        long deadline = System.nanoTime() + patience.toNanos();
        try {
            Files.createDirectories(FOLDER);
            FileChannel channel = FileChannel.open(FOLDER.resolve(realPath.replace('/', '_') + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            while (true) {
                try {
                    FileLock lock = channel.tryLock();
                    if (lock != null) {
                        return new PortLock(channel, lock);
                    }
                } catch (OverlappingFileLockException e) {
                    // held by another user in this JVM
                }
                if (System.nanoTime() > deadline) {
                    channel.close();
                    throw new FlashgateException(ErrorCode.DEVICE_GONE, realPath + " is in use by another program");
                }
                Thread.sleep(20);
            }
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.DEVICE_GONE, "cannot lock " + realPath + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlashgateException(ErrorCode.DEVICE_GONE, "interrupted while waiting for " + realPath);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the lock goes with the channel anyway
        }
    }
}
