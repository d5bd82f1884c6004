package dev.flashgate.simulator.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

import dev.flashgate.simulator.Faults;
import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.simulator.internal.AtResponder.Reply;

/**
 * What the simulated ZTE devices share: a serial and an IMEI derived from it, state kept in their
 * folder, their ports, their faults, and the ZTE identity answers on the AT port.
 */
abstract class ZteDevice implements SimulatedDevice, AtResponder.Commands {

    protected final String model;
    protected final String serial;
    protected final Path folder;
    protected final SimPorts ports;
    protected final DeviceState state;
    protected final FaultInjector faults;

    ZteDevice(String model, String tac, String serial, Path folder, SimPorts ports, Faults faults) throws IOException {
        this.model = model;
        this.serial = serial;
        this.folder = folder;
        this.ports = ports;
        this.state = new DeviceState(folder);
        this.faults = new FaultInjector(faults, powerLoss -> unplugLater());
        state.defaults("imei", Imei.forSerial(tac, serial), "firmwareModel", model);
    }

    /**
     * The physical USB port the device is plugged into, as {@code /dev/serial/by-path} names it: the
     * same for every mode it enumerates in while it stays in its socket. Derived from the serial,
     * so each simulated device has a socket of its own.
     */
    protected final String usbPort() {
        long v = serialCrc();
        return String.format("pci-0000:%02x:%02x.0-usb-0:%d", v & 0xFF, (v >> 8) & 0x1F, 1 + (v >> 13) % 15);
    }

    /** The CRC-32 of the device's serial: what its fused identities (socket, chip serial) follow from. */
    protected final long serialCrc() {
        CRC32 crc = new CRC32();
        crc.update(serial.getBytes(StandardCharsets.US_ASCII));
        return crc.getValue();
    }

    /** The by-path name of the port a by-id name describes (its interface number taken from {@code -ifNN}). */
    protected final String byPathName(String byIdName) {
        Matcher m = INTERFACE.matcher(byIdName);
        return usbPort() + ":1." + (m.find() ? Integer.parseInt(m.group(1)) : 0) + "-port0";
    }

    private static final Pattern INTERFACE = Pattern.compile("-if(\\d+)");

    /** A command beyond the identity ones; {@code null} means no answer at all (the device lost power). */
    protected abstract Reply command(String command);

    @Override
    public final Reply execute(String command) {
        if (faults.refuseThisCommand()) {
            return Reply.error();
        }
        Reply identity = ZteAtIdentity.reply(command, model, revision(), reportedImei(), state.get("firmwareModel", model));
        return identity != null ? identity : command(command);
    }

    @Override
    public final void inject(Faults next) {
        faults.arm(next);
    }

    /** Drops off the bus from another thread (the caller may be the device's own port thread). */
    protected final void unplugLater() {
        Thread t = new Thread(this::close, "sim-" + model + "-" + serial + "-unplug");
        t.setDaemon(true);
        t.start();
    }

    /**
     * The IMEI the device reports over AT and DIAG: its own ({@link #imei()}, the one on its label)
     * unless what holds it on the device was lost; then {@code null}.
     */
    protected String reportedImei() {
        return imei();
    }

    @Override
    public final String model() {
        return model;
    }

    @Override
    public final String imei() {
        return state.get("imei", null);
    }

    @Override
    public final String serial() {
        return serial;
    }

    @Override
    public final String revision() {
        return state.get("revision", null);
    }
}
