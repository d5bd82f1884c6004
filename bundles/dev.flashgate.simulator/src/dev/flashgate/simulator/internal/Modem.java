package dev.flashgate.simulator.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;
import dev.flashgate.simulator.DemoFirmware;
import dev.flashgate.simulator.Faults;
import dev.flashgate.simulator.internal.AtResponder.Reply;

/**
 * The simulated MF833S USB modem on Qualcomm MDM9x07 ({@code 19d2:1405}): an AT port (interface 2)
 * and a DIAG port (interface 0) in modem mode; after the DIAG EDL switch it drops both and comes
 * back as {@code 05c6:9008} with one port speaking Sahara, then Firehose against its NAND. A
 * power reset boots the firmware in the {@code modem} partition; a torn boot chain, or an image
 * with a lower security version, leaves it in EDL, from where it can always be recovered.
 */
final class Modem extends ZteDevice {

    static final String MODEL = "MF833S";
    static final String TAC = "86612345";
    /**
     * The factory contents of the NAND: the partition table of {@link Nand#PARTITIONS} (since 2:
     * with sbl, mibib, efs2, fsg as a real MDM9x07 has), and since 3 the device's EFS (IMEI and
     * calibration) in efs2 with its golden copy in fsg.
     */
    private static final String NAND_LAYOUT = "3";
    /**
     * The MSM HW ID its boot ROM reports: MSM id 0x0004A0E1 (MDM9607, the MDM9x07 family), OEM id
     * 0x0004 (ZTE), model id 0.
     */
    static final long MSM_HW_ID = 0x0004A0E1_0004_0000L;
    /** The SHA-256 of the simulated OEM's root certificate, as the boot ROM's fuses hold it. */
    static final byte[] OEM_PK_HASH = HexFormat.of().parseHex(SaharaTarget.sha256(
            "Flashgate simulated OEM root certificate".getBytes(StandardCharsets.US_ASCII)));

    private final Set<String> signedProgrammers;
    /** What efs2 held when the device last booted; {@code null}: no EFS, so no IMEI and no calibration. */
    private volatile Efs efs;
    private final List<SimPorts.Port> plugged = new ArrayList<>();
    private final List<Runnable> stoppers = new ArrayList<>();

    Modem(String serial, Path folder, SimPorts ports, Set<String> extraSignedProgrammers, Faults faults) throws IOException {
        super(MODEL, TAC, serial, folder, ports, faults);
        state.defaults("revision", "FG_MF833S_B06", "securityVersion", 2, "mode", "MODEM", "torn", "");
        Set<String> signed = new LinkedHashSet<>(extraSignedProgrammers);
        signed.add(SaharaTarget.sha256(DemoFirmware.programmerBytes()));
        this.signedProgrammers = Set.copyOf(signed);
        if (!NAND_LAYOUT.equals(state.get("nandLayout", ""))) {
            // factory new, or made by a simulator that shipped a blank MIBIB: what the factory writes
            try (Nand nand = new Nand(folder.resolve(Nand.FILE))) {
                nand.writeFactoryTables();
                if (readEfs(nand, "efs2") == null) {
                    byte[] image = Efs.factory(imei(), serial).encode();
                    nand.write(partition("efs2").startSector(), image.clone(), image.length);
                    nand.write(partition("fsg").startSector(), image, image.length);
                }
            }
            state.set("nandLayout", NAND_LAYOUT);
        }
    }

    private static Nand.Partition partition(String name) {
        return Nand.PARTITIONS.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    /** The EFS at the start of partition {@code name}, or {@code null}. */
    private static Efs readEfs(Nand nand, String name) throws IOException {
        return Efs.decode(nand.read(partition(name).startSector(), 8 * Nand.SECTOR));
    }

    @Override
    protected String reportedImei() {
        Efs e = efs;
        return e == null ? null : e.imei();
    }

    boolean inEdl() {
        return "EDL".equals(state.get("mode", "MODEM"));
    }

    synchronized void plugIn() throws IOException, InterruptedException, FlashgateException {
        if (inEdl()) {
            // a 9008 device has a USB serial of its own, the chip's: only its socket links it to the modem
            SerialLink edl = port("edl", "usb-Qualcomm_QHSUSB__BULK_" + String.format("%08X", chip().serial()) + "-if00-port0");
            Thread t = new Thread(() -> emergencyDownload(edl), "sim-" + MODEL + "-" + serial + "-edl");
            t.setDaemon(true);
            stoppers.add(edl::close);
            t.start();
            return;
        }
        try (Nand nand = new Nand(folder.resolve(Nand.FILE))) {
            efs = readEfs(nand, "efs2"); // the modem firmware mounts its EFS as it boots
        }
        SerialLink diag = port("diag", "usb-ZTE_" + MODEL + "_" + serial + "-if00-port0");
        SerialLink at = port("at", "usb-ZTE_" + MODEL + "_" + serial + "-if02-port0");
        DiagResponder diagResponder = new DiagResponder(diag, reportedImei(), () -> reboot("EDL"));
        AtResponder atResponder = new AtResponder(at, this);
        stoppers.add(diagResponder::stop);
        stoppers.add(atResponder::stop);
        start(diagResponder, "diag");
        start(atResponder, "at");
    }

    private SerialLink port(String name, String byIdName) throws IOException, InterruptedException, FlashgateException {
        SimPorts.Port port = ports.make(folder, name, byIdName, byPathName(byIdName));
        plugged.add(port);
        port.publish();
        return faults.wrap(port.deviceEnd());
    }

    private void start(Runnable responder, String port) {
        Thread t = new Thread(responder, "sim-" + MODEL + "-" + serial + "-" + port);
        t.setDaemon(true);
        t.start();
    }

    /** Sahara until a signed programmer runs, then Firehose until power reset, then boot. */
    private void emergencyDownload(SerialLink link) {
        try {
            while (true) {
                SaharaTarget.Outcome outcome = new SaharaTarget(link, signedProgrammers, chip(), false).run();
                if (outcome == SaharaTarget.Outcome.RESTART) {
                    continue;
                }
                if (outcome == SaharaTarget.Outcome.RESET) {
                    reboot("EDL"); // a reset device enumerates again, on a new node, and greets anew
                    return;
                }
                try (Nand nand = new Nand(folder.resolve(Nand.FILE))) {
                    new FirehoseTarget(link, chip().serial(), nand, torn(), t -> state.set("torn", String.join(",", t)), faults::refuseThisCommand,
                            faults::corruptThisWrite, faults.faults().flashMibps()).run();
                }
                reboot(bootMode());
                return;
            }
        } catch (FlashgateException | IOException e) {
            // the host went away, or power was lost: the flash keeps whatever state it reached
        }
    }

    /** The chip's identity in Sahara command mode; its serial is fused, so it follows from the device's. */
    SaharaTarget.Chip chip() {
        return new SaharaTarget.Chip((int) serialCrc(), MSM_HW_ID, OEM_PK_HASH);
    }

    private Set<String> torn() {
        String t = state.get("torn", "");
        return t.isEmpty() ? Set.of() : new LinkedHashSet<>(Arrays.asList(t.split(",")));
    }

    /** Boots from the flash: the firmware of its modem partition, or EDL when {@link #powerUp()} says so. */
    private String bootMode() throws IOException {
        PowerUp p = powerUp();
        if (p.edlReason() != null) {
            return "EDL";
        }
        if (p.header() != null) {
            state.set("firmwareModel", p.header().model());
            state.set("revision", p.header().version());
            state.set("securityVersion", p.header().securityVersion());
        }
        return "MODEM"; // with no header, the modem partition is erased: the factory firmware still runs
    }

    /** What a power-up finds: why it would stay in EDL ({@code null} when it boots), and the modem image's header. */
    private record PowerUp(String edlReason, FirmwareHeader header) {
    }

    private PowerUp powerUp() throws IOException {
        Set<String> torn = torn();
        for (Nand.Partition p : Nand.PARTITIONS) {
            if (p.bootChain() && torn.contains(p.name())) {
                return new PowerUp(String.join(", ", torn) + " partition torn", null);
            }
        }
        Nand.Partition modem = partition("modem");
        byte[] head;
        try (Nand nand = new Nand(folder.resolve(Nand.FILE))) {
            head = nand.read(modem.startSector(), 256);
        }
        FirmwareHeader header = FirmwareHeader.parse(head);
        if (header == null && (head[0] & 0xFF) != 0xFF) {
            return new PowerUp("the modem partition holds no image the boot chain accepts", null);
        }
        if (header != null && header.securityVersion() < state.getLong("securityVersion", 0)) {
            return new PowerUp("the firmware in the modem partition has a lower security version than the device", header);
        }
        return new PowerUp(null, header);
    }

    /** Drops off the bus and comes back in {@code mode}, on new ports, from another thread. */
    private void reboot(String mode) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(100);
                synchronized (this) {
                    unplug();
                    state.set("mode", mode);
                    plugIn();
                }
            } catch (Exception e) {
                // a device that fails to come back stays unplugged, as a real one would look
            }
        }, "sim-" + MODEL + "-" + serial + "-reboot");
        t.setDaemon(true);
        t.start();
    }

    private void unplug() {
        stoppers.forEach(Runnable::run);
        stoppers.clear();
        plugged.forEach(SimPorts.Port::close);
        plugged.clear();
    }

    @Override
    public synchronized void close() {
        unplug();
    }

    /** A power cycle: whatever mode it was in, the device boots from its flash again. */
    @Override
    public synchronized void reenumerate() throws Exception {
        unplug();
        state.set("mode", bootMode());
        plugIn();
    }

    @Override
    protected Reply command(String command) {
        return Reply.error();
    }

    @Override
    public synchronized String condition() {
        try {
            String reason = powerUp().edlReason();
            if (reason != null) {
                return "needs EDL recovery: " + reason;
            }
            Efs held;
            try (Nand nand = new Nand(folder.resolve(Nand.FILE))) {
                held = readEfs(nand, "efs2");
            }
            Efs factory = Efs.factory(imei(), serial);
            return "boots " + revision() + (held == null ? " without IMEI or RF calibration (efs2 holds no EFS): no service"
                    : !held.imei().equals(imei()) ? " with IMEI " + held.imei() + ", not its own"
                    : !Arrays.equals(held.calibration(), factory.calibration()) ? " with another device's RF calibration" : "");
        } catch (IOException e) {
            return "unknown: " + e.getMessage();
        }
    }

    @Override
    public synchronized List<String> hostPorts() {
        return plugged.stream().map(SimPorts.Port::hostPath).sorted().toList();
    }
}
