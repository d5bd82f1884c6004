package dev.flashgate.device.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fazecast.jSerialComm.SerialPort;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;
import dev.flashgate.core.device.SerialLinks;
import dev.flashgate.device.MemoryPorts;

/**
 * Serial links: USB serial ports through jSerialComm, pseudo-terminals (simulators) as plain files,
 * in-memory ports ({@code mem:}) through {@link MemoryPorts}.
 */
@Component(service = SerialLinks.class)
public final class JSerialCommLinks implements SerialLinks {

    private final MemoryPorts memory;

    @Activate
    public JSerialCommLinks(@Reference MemoryPorts memory) {
        this.memory = memory;
    }

    @Override
    public SerialLink open(String path) throws FlashgateException {
        if (path.startsWith(MemoryPorts.PREFIX)) {
            return memory.open(path);
        }
        Path node = Paths.get(path);
        if (!Files.exists(node)) {
            throw new FlashgateException(ErrorCode.DEVICE_GONE, path + " does not exist (the device is unplugged or re-enumerated)");
        }
        String real = path;
        try {
            real = node.toRealPath().toString();
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.DEVICE_GONE, path + " vanished: " + e.getMessage());
        }
        if (real.startsWith("/dev/pts/")) {
            // ptys are no USB ports: plain file I/O with our own deadlines is exact and cheap there
            PortLock lock = PortLock.take(real, Duration.ofSeconds(3));
            try {
                return new PtyLink(path, Paths.get(real), lock);
            } catch (IOException e) {
                lock.close();
                throw new FlashgateException(ErrorCode.DEVICE_GONE, "cannot open " + path + ": " + e.getMessage());
            }
        }
        SerialPort port = SerialPort.getCommPort(real);
        port.setComPortParameters(115200, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
        port.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        if (!port.openPort()) {
            throw new FlashgateException(ErrorCode.DEVICE_GONE, "cannot open " + path + " (error " + port.getLastErrorCode() + ")");
        }
        return new Link(path, port);
    }

    /** One open port; reads set the timeout per call (semi-blocking: return as soon as bytes arrive). */
    private static final class Link implements SerialLink {
        private final String name;
        private final SerialPort port;
        private int timeoutMillis = -1;

        Link(String name, SerialPort port) {
            this.name = name;
            this.port = port;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public synchronized int read(byte[] buffer, int offset, int length, Duration timeout) throws FlashgateException {
            int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            if (millis != timeoutMillis) {
                port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, millis, 0);
                timeoutMillis = millis;
            }
            int n = port.readBytes(buffer, length, offset);
            if (n < 0) {
                throw gone();
            }
            return n;
        }

        @Override
        public void write(byte[] data, int offset, int length) throws FlashgateException {
            int written = 0;
            while (written < length) {
                int n = port.writeBytes(data, length - written, offset + written);
                if (n < 0) {
                    throw gone();
                }
                written += n;
            }
        }

        @Override
        public void discardInput() throws FlashgateException {
            if (!port.isOpen()) {
                throw gone();
            }
            port.flushIOBuffers();
        }

        private FlashgateException gone() {
            return new FlashgateException(ErrorCode.DEVICE_GONE, name + " disconnected (error " + port.getLastErrorCode() + ")");
        }

        @Override
        public boolean isOpen() {
            return port.isOpen();
        }

        @Override
        public void close() {
            port.closePort();
        }
    }
}
