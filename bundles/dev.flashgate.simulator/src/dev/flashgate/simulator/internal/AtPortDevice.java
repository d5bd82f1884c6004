package dev.flashgate.simulator.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;
import dev.flashgate.simulator.Faults;

/**
 * A simulated device with one AT port (the hotspot, the LTE module): plugging in makes the port and
 * starts its responder; a reboot drops it off the bus and brings it back on a new port.
 */
abstract class AtPortDevice extends ZteDevice {

    private SimPorts.Port port;
    private SerialLink deviceEnd;
    private AtResponder responder;

    AtPortDevice(String model, String tac, String serial, Path folder, SimPorts ports, Faults faults) throws IOException {
        super(model, tac, serial, folder, ports, faults);
    }

    /** The port's name in a by-id folder, e.g. {@code usb-ZTE_HS920S_<serial>-if00-port0}. */
    protected abstract String byIdName();

    synchronized void plugIn() throws IOException, InterruptedException, FlashgateException {
        port = ports.make(folder, "at", byIdName(), byPathName(byIdName()));
        deviceEnd = faults.wrap(port.deviceEnd());
        responder = new AtResponder(deviceEnd, this);
        Thread t = new Thread(responder, "sim-" + model + "-" + serial);
        t.setDaemon(true);
        t.start();
        port.publish();
    }

    @Override
    public synchronized void close() {
        if (responder != null) {
            responder.stop();
            deviceEnd.close();
            port.close();
            port = null;
            responder = null;
        }
    }

    @Override
    public void reenumerate() throws Exception {
        close();
        plugIn();
    }

    /** Reboots in a moment, from another thread: the answer to the command that caused it goes out first. */
    protected final void rebootLater() {
        Thread reboot = new Thread(() -> {
            try {
                Thread.sleep(200);
                reenumerate();
            } catch (Exception e) {
                // a reboot that fails leaves the device unplugged, as a real one would look
            }
        }, "sim-reboot-" + serial);
        reboot.setDaemon(true);
        reboot.start();
    }

    @Override
    public synchronized List<String> hostPorts() {
        return port == null ? List.of() : List.of(port.hostPath());
    }
}
