package dev.flashgate.simulator.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/**
 * A pty pair made by socat: the device end and the host end, each published as a symlink to its
 * pty node, as a USB serial port appears in {@code /dev/serial/by-id}. socat removes the links
 * when it ends, as the kernel removes a node when a device is unplugged.
 */
final class PtyPair implements AutoCloseable {

    private final Process socat;
    private final Path deviceEnd;
    private Path hostEnd;
    private Path byPathLink;

    private PtyPair(Process socat, Path deviceEnd, Path hostEnd) {
        this.socat = socat;
        this.deviceEnd = deviceEnd;
        this.hostEnd = hostEnd;
    }

    static PtyPair open(Path deviceEnd, Path hostEnd) throws IOException, InterruptedException {
        Files.createDirectories(deviceEnd.getParent());
        Files.createDirectories(hostEnd.getParent());
        Files.deleteIfExists(deviceEnd);
        Files.deleteIfExists(hostEnd);
        Process socat = new ProcessBuilder("socat", "pty,raw,echo=0,link=" + deviceEnd, "pty,raw,echo=0,link=" + hostEnd)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!(Files.exists(deviceEnd) && Files.exists(hostEnd))) {
            if (!socat.isAlive() || System.nanoTime() > deadline) {
                socat.destroyForcibly();
                throw new IOException("socat did not create the pty pair " + hostEnd + " (is socat installed?)");
            }
            Thread.sleep(5);
        }
        return new PtyPair(socat, deviceEnd, hostEnd);
    }

    Path deviceEnd() {
        return deviceEnd;
    }

    synchronized Path hostEnd() {
        return hostEnd;
    }

    /**
     * Moves the host end's link to where hosts look for ports, once the device end is ready to
     * answer: until then the port does not exist for anyone.
     */
    synchronized void publish(Path byIdLink, Path byPathLink) throws IOException {
        // the by-path link first: whoever finds the port by its by-id link finds its socket too
        Files.createDirectories(byPathLink.getParent());
        Path node = hostEnd.toRealPath();
        Files.deleteIfExists(byPathLink);
        Files.createSymbolicLink(byPathLink, node);
        this.byPathLink = byPathLink;
        Files.createDirectories(byIdLink.getParent());
        Files.move(hostEnd, byIdLink, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        hostEnd = byIdLink;
    }

    @Override
    public synchronized void close() {
        socat.destroy();
        try {
            if (!socat.waitFor(2, TimeUnit.SECONDS)) {
                socat.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(hostEnd);
            if (byPathLink != null) {
                Files.deleteIfExists(byPathLink);
            }
            Files.deleteIfExists(deviceEnd);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the links are gone with socat in the normal case; a leftover dangling link is skipped by discovery
        }
    }
}
