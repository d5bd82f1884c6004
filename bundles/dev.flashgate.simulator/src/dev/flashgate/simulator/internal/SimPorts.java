package dev.flashgate.simulator.internal;

import java.io.IOException;
import java.nio.file.Path;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;
import dev.flashgate.core.device.SerialLinks;
import dev.flashgate.device.MemoryPorts;

/**
 * Where simulated devices get their ports: pty pairs made by socat, published as by-id links (a
 * port any program can open), or in-memory ports ({@code mem:<by-id name>}) where socat is missing.
 */
interface SimPorts {

    /** One port of a simulated device. */
    interface Port extends AutoCloseable {
        SerialLink deviceEnd();

        /** Makes the host end visible to hosts, once the device answers on it. */
        void publish() throws IOException;

        String hostPath();

        @Override
        void close();
    }

    /** A port published under {@code byIdName} and, for the physical USB port, {@code byPathName}. */
    Port make(Path deviceFolder, String name, String byIdName, String byPathName)
            throws IOException, InterruptedException, FlashgateException;

    /** socat ptys, host ends linked into {@code byIdFolder} and the {@code by-path} folder beside it. */
    static SimPorts ptys(SerialLinks links, Path byIdFolder) {
        return (folder, name, byIdName, byPathName) -> {
            PtyPair pty = PtyPair.open(folder.resolve(name + "-tty"), folder.resolve(name + "-host"));
            SerialLink end;
            try {
                end = links.open(pty.deviceEnd().toString());
            } catch (FlashgateException e) {
                pty.close();
                throw e;
            }
            return new Port() {
                @Override
                public SerialLink deviceEnd() {
                    return end;
                }

                @Override
                public void publish() throws IOException {
                    pty.publish(byIdFolder.resolve(byIdName), byIdFolder.resolveSibling("by-path").resolve(byPathName));
                }

                @Override
                public String hostPath() {
                    return pty.hostEnd().toString();
                }

                @Override
                public void close() {
                    end.close();
                    pty.close();
                }
            };
        };
    }

    /** In-memory ports: visible at once (nothing is lost before the device reads, unlike a pty flush). */
    static SimPorts inMemory(MemoryPorts memory) {
        return (folder, name, byIdName, byPathName) -> { // in memory there is no physical port
            SerialLink end = memory.plug(byIdName);
            return new Port() {
                @Override
                public SerialLink deviceEnd() {
                    return end;
                }

                @Override
                public void publish() {
                    // plugged in already
                }

                @Override
                public String hostPath() {
                    return MemoryPorts.PREFIX + byIdName;
                }

                @Override
                public void close() {
                    end.close();
                }
            };
        };
    }
}
