package dev.flashgate.simulator.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;
import dev.flashgate.core.device.SerialLinks;
import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.simulator.internal.AtResponder.Reply;

/**
 * The simulated HS920S A/B hotspot (USB {@code 19d2:16f0}): one AT port with ZTE-style identity
 * and Flashgate's {@code AT+FG...} storage and security-version queries. Its firmware revision,
 * security version and storage survive power cycles in {@code state.properties}.
 */
final class Hotspot implements SimulatedDevice, AtResponder.Commands {

    static final String MODEL = "HS920S";
    static final String TAC = "86920400";
    static final long STORAGE_TOTAL = 64L << 20;

    private final String serial;
    private final Path folder;
    private final Path byIdFolder;
    private final SerialLinks links;
    private final DeviceState state;
    private PtyPair pty;
    private SerialLink deviceEnd;
    private AtResponder responder;

    Hotspot(String serial, Path folder, Path byIdFolder, SerialLinks links) throws IOException {
        this.serial = serial;
        this.folder = folder;
        this.byIdFolder = byIdFolder;
        this.links = links;
        this.state = new DeviceState(folder);
        state.defaults("imei", Imei.forSerial(TAC, serial), "revision", "FG_HS920S_A01", "securityVersion", 1,
                "firmwareModel", MODEL, "storageFree", 48L << 20);
    }

    synchronized void plugIn() throws IOException, InterruptedException, FlashgateException {
        pty = PtyPair.open(folder.resolve("tty"), folder.resolve("host"));
        try {
            deviceEnd = links.open(pty.deviceEnd().toString());
        } catch (FlashgateException e) {
            pty.close();
            throw e;
        }
        responder = new AtResponder(deviceEnd, this);
        Thread t = new Thread(responder, "sim-" + MODEL + "-" + serial);
        t.setDaemon(true);
        t.start();
        pty.publish(byIdFolder.resolve("usb-ZTE_" + MODEL + "_" + serial + "-if00-port0"));
    }

    @Override
    public synchronized void close() {
        if (responder != null) {
            responder.stop();
            deviceEnd.close();
            pty.close();
            responder = null;
        }
    }

    @Override
    public void reenumerate() throws Exception {
        close();
        plugIn();
    }

    @Override
    public Reply execute(String command) {
        String imei = imei();
        return switch (command) {
            case "AT" -> Reply.ok();
            case "ATI" -> Reply.ok("Manufacturer: ZTE CORPORATION", "Model: " + MODEL, "Revision: " + revision(),
                    "IMEI: " + imei, "+GCAP: +CGSM,+DS,+ES");
            case "AT+CGSN", "AT+GSN" -> Reply.ok(imei);
            case "AT+CGMR", "AT+GMR" -> Reply.ok(revision());
            case "AT+CGMI", "AT+GMI" -> Reply.ok("ZTE CORPORATION");
            case "AT+CGMM", "AT+GMM" -> Reply.ok(MODEL);
            case "AT+FGSTOR?" -> Reply.ok("+FGSTOR: " + state.getLong("storageFree", 0) + "," + STORAGE_TOTAL);
            case "AT+FGSECVER?" -> Reply.ok("+FGSECVER: " + state.getLong("securityVersion", 0));
            case "AT+COPS?" -> Reply.ok(MODEL.equals(state.get("firmwareModel", MODEL))
                    ? "+COPS: 0,0,\"Flashgate Sim\",7" : "+COPS: 0");
            default -> Reply.error();
        };
    }

    @Override
    public String model() {
        return MODEL;
    }

    @Override
    public String imei() {
        return state.get("imei", null);
    }

    @Override
    public String serial() {
        return serial;
    }

    @Override
    public String revision() {
        return state.get("revision", null);
    }

    @Override
    public synchronized List<String> hostPorts() {
        return pty == null ? List.of() : List.of(pty.hostEnd().toString());
    }
}
