package dev.flashgate.simulator.internal;

import java.io.IOException;
import java.nio.file.Path;

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

    /** A command beyond the identity ones; {@code null} means no answer at all (the device lost power). */
    protected abstract Reply command(String command);

    @Override
    public final Reply execute(String command) {
        if (faults.refuseThisCommand()) {
            return Reply.error();
        }
        Reply identity = ZteAtIdentity.reply(command, model, revision(), imei(), state.get("firmwareModel", model));
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
