package dev.flashgate.simulator.internal;

import java.io.IOException;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.security.DigestOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.Locale;
import java.nio.file.Path;

import dev.flashgate.simulator.Faults;
import dev.flashgate.simulator.internal.AtResponder.Reply;

/**
 * The simulated HS920S A/B hotspot (USB {@code 19d2:16f0}): one AT port with ZTE-style identity
 * and Flashgate's {@code AT+FG...} storage and security-version queries. Its firmware revision,
 * security version and storage survive power cycles in {@code state.properties}.
 */
final class Hotspot extends AtPortDevice {

    static final String MODEL = "HS920S";
    static final String TAC = "86920400";
    static final long STORAGE_TOTAL = 64L << 20;

    Hotspot(String serial, Path folder, SimPorts ports, Faults faults) throws IOException {
        super(MODEL, TAC, serial, folder, ports, faults);
        state.defaults("revision", "FG_HS920S_A01", "securityVersion", 1, "storageFree", 48L << 20, "activeSlot", "A");
    }

    @Override
    protected String byIdName() {
        return "usb-ZTE_" + MODEL + "_" + serial + "-if00-port0";
    }

    @Override
    protected Reply command(String command) {
        return switch (command) {
            case "AT+FGSTOR?" -> Reply.ok("+FGSTOR: " + freeStorage() + "," + STORAGE_TOTAL);
            case "AT+FGSECVER?" -> Reply.ok("+FGSECVER: " + state.getLong("securityVersion", 0));
            default -> {
                if (command.startsWith("AT+FGUPL=")) {
                    yield upload(command.substring("AT+FGUPL=".length()));
                }
                if (command.startsWith("AT+FGAPPLY=")) {
                    yield apply(command.substring("AT+FGAPPLY=".length()).toLowerCase(Locale.ROOT));
                }
                yield Reply.error();
            }
        };
    }

    /** {@code AT+FGUPL=<size>}: {@code +CME ERROR: 28} if it does not fit, else CONNECT and a YMODEM receive. */
    private Reply upload(String sizeText) {
        long size;
        try {
            size = Long.parseLong(sizeText.trim());
        } catch (NumberFormatException e) {
            return Reply.error();
        }
        if (size <= 0 || size > freeStorage()) {
            return Reply.result("+CME ERROR: 28");
        }
        return Reply.connect(link -> {
            Path part = folder.resolve("upload.part");
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                OutputStream stored = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(part), 64 * 1024), sha);
                try (OutputStream out = faults.corruptThisWrite() ? new WornFlash(stored) : stored) {
                    new YmodemReceiver(link).receive(out, size);
                }
                String hash = HexFormat.of().formatHex(sha.digest());
                Files.move(part, folder.resolve("upload.bin"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                state.set("uploadSha256", hash);
                return Reply.ok("+FGUPL: " + hash);
            } catch (YmodemReceiver.Aborted | IOException | GeneralSecurityException e) {
                try {
                    Files.deleteIfExists(part);
                } catch (IOException ignored) {
                    // a leftover part file is replaced by the next upload
                }
                return Reply.result("ERROR", "+FGUPL: ABORTED " + e.getMessage());
            }
        });
    }

    /**
     * {@code AT+FGAPPLY=<sha256>}: installs the uploaded image into the inactive slot if its hash
     * matches and its security version is not lower, switches slots, answers OK and reboots.
     */
    private Reply apply(String sha256) {
        Path upload = folder.resolve("upload.bin");
        if (!sha256.equals(state.get("uploadSha256", "")) || !Files.exists(upload)) {
            return Reply.result("+CME ERROR: 3", "+FGAPPLY: HASH MISMATCH");
        }
        try {
            FirmwareHeader header = FirmwareHeader.read(upload);
            if (header == null) {
                return Reply.result("+CME ERROR: 3", "+FGAPPLY: NOT A FIRMWARE IMAGE");
            }
            if (header.securityVersion() < state.getLong("securityVersion", 0)) {
                return Reply.result("+CME ERROR: 3", "+FGAPPLY: SECURITY VERSION ROLLBACK");
            }
            String inactive = "A".equals(state.get("activeSlot", "A")) ? "B" : "A";
            if (faults.losePowerNow()) {
                // power fails while the inactive slot is written: that slot is garbage, the active one untouched
                Files.write(folder.resolve("slot-" + inactive + ".bin"), new byte[] {0});
                state.set("lastApply", "interrupted by power loss");
                unplugLater();
                return null;
            }
            Files.copy(upload, folder.resolve("slot-" + inactive + ".bin"), StandardCopyOption.REPLACE_EXISTING);
            state.set("lastApply", "installed " + header.version() + " into slot " + inactive);
            state.set("activeSlot", inactive);
            state.set("revision", header.version());
            state.set("securityVersion", header.securityVersion());
            state.set("firmwareModel", header.model());
            Files.deleteIfExists(upload);
            state.set("uploadSha256", "");
        } catch (IOException e) {
            return Reply.result("+CME ERROR: 3", "+FGAPPLY: " + e.getMessage());
        }
        rebootLater();
        return Reply.ok();
    }

    private long freeStorage() {
        return faults.faults().storageFull() ? 0 : state.getLong("storageFree", 0);
    }

    @Override
    public String condition() {
        String last = state.get("lastApply", "");
        return "boots " + revision() + " from slot " + state.get("activeSlot", "A") + (last.isEmpty() ? "" : " (last apply: " + last + ")");
    }
}
