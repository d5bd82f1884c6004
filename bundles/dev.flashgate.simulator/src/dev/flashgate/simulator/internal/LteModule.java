package dev.flashgate.simulator.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.flashgate.simulator.Faults;
import dev.flashgate.simulator.internal.AtResponder.Reply;

/**
 * The simulated ME360S LTE module: one AT port (ZTE-style identity), a small user file system
 * and a firmware-over-the-air update run by the module itself ({@code AT+FGF...}, modelled on
 * the file and FOTA commands of LTE modules). Its USB id is in no table of Flashgate's: discovery
 * knows it only from what it answers, and only a plugin that is not in the product updates it.
 * The FOTA engine writes the new firmware beside the old one and switches only once it is whole,
 * so a power loss during the update leaves the old firmware booting.
 */
final class LteModule extends AtPortDevice {

    static final String MODEL = "ME360S";
    static final String TAC = "86036000";
    static final long FS_TOTAL = 24L << 20;
    /** The upload protocol: after every chunk of this size the module acknowledges with {@code A}. */
    static final int CHUNK = 1024;
    private static final Duration SILENCE = Duration.ofSeconds(5);
    private static final Pattern UPLOAD = Pattern.compile("AT\\+FGFUPL=\"([A-Z0-9._-]{1,32})\",(\\d{1,10})");
    private static final Pattern FILE = Pattern.compile("AT\\+FGF(SHA|DEL|OTA)=\"([A-Z0-9._-]{1,32})\"");

    LteModule(String serial, Path folder, SimPorts ports, Faults faults) throws IOException {
        super(MODEL, TAC, serial, folder, ports, faults);
        state.defaults("revision", "FG_ME360S_A01", "securityVersion", 1);
        Files.createDirectories(folder.resolve("ufs"));
    }

    @Override
    protected String byIdName() {
        return "usb-ZTE_" + MODEL + "_" + serial + "-if03-port0";
    }

    @Override
    protected Reply command(String command) {
        if (command.equals("AT+FGFS?")) {
            return Reply.ok("+FGFS: " + free() + "," + FS_TOTAL);
        }
        if (command.equals("AT+FGSECVER?")) {
            return Reply.ok("+FGSECVER: " + state.getLong("securityVersion", 0));
        }
        Matcher upload = UPLOAD.matcher(command);
        if (upload.matches()) {
            return upload(upload.group(1), Long.parseLong(upload.group(2)));
        }
        Matcher file = FILE.matcher(command);
        if (!file.matches()) {
            return Reply.error();
        }
        Path stored = folder.resolve("ufs").resolve(file.group(2).toLowerCase(java.util.Locale.ROOT));
        return switch (file.group(1)) {
            case "SHA" -> sha256(stored);
            case "DEL" -> delete(stored);
            default -> fota(stored);
        };
    }

    /**
     * {@code AT+FGFUPL="<name>",<size>}: {@code +CME ERROR: 28} when it does not fit, else
     * {@code CONNECT}; the host sends the bytes raw, waiting for {@code A} after every
     * {@value #CHUNK} bytes; the module answers {@code +FGFUPL: <size>,<checksum>} (16-bit XOR of
     * the data as big-endian words, hex) and {@code OK}. Silence of 5 s ends it with an error.
     */
    private Reply upload(String name, long size) {
        if (size <= 0 || size > free()) {
            return Reply.result("+CME ERROR: 28");
        }
        Path target = folder.resolve("ufs").resolve(name.toLowerCase(java.util.Locale.ROOT));
        return Reply.connect(link -> {
            Path part = folder.resolve("upload.part");
            try {
                int checksum = 0;
                boolean high = true;
                OutputStream stored = Files.newOutputStream(part);
                try (OutputStream out = faults.corruptThisWrite() ? new WornFlash(stored) : stored) {
                    byte[] buffer = new byte[CHUNK];
                    long received = 0;
                    while (received < size) {
                        int want = (int) Math.min(CHUNK - received % CHUNK, size - received);
                        int n = link.read(buffer, 0, want, SILENCE);
                        if (n <= 0) {
                            throw new IOException("TIMEOUT after " + received + " bytes");
                        }
                        out.write(buffer, 0, n);
                        for (int i = 0; i < n; i++) {
                            checksum ^= high ? (buffer[i] & 0xFF) << 8 : buffer[i] & 0xFF;
                            high = !high;
                        }
                        received += n;
                        if (received % CHUNK == 0 && received < size) {
                            link.write(new byte[] {'A'});
                        }
                    }
                }
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return Reply.ok("+FGFUPL: " + size + "," + String.format("%04x", checksum));
            } catch (IOException e) {
                try {
                    Files.deleteIfExists(part);
                } catch (IOException ignored) {
                    // replaced by the next upload
                }
                return Reply.result("ERROR", "+FGFUPL: ABORTED " + e.getMessage());
            }
        });
    }

    /** {@code AT+FGFSHA="<name>"}: the SHA-256 of the stored file, read back from the file system. */
    private Reply sha256(Path stored) {
        if (!Files.exists(stored)) {
            return Reply.result("+CME ERROR: 4004");
        }
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(stored), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return Reply.ok("+FGFSHA: " + HexFormat.of().formatHex(in.getMessageDigest().digest()));
        } catch (IOException | GeneralSecurityException e) {
            return Reply.result("+CME ERROR: 4004");
        }
    }

    private Reply delete(Path stored) {
        try {
            return Files.deleteIfExists(stored) ? Reply.ok() : Reply.result("+CME ERROR: 4004");
        } catch (IOException e) {
            return Reply.result("+CME ERROR: 4004");
        }
    }

    /**
     * {@code AT+FGFOTA="<name>"}: {@code OK}, then the update reports itself in unsolicited lines
     * {@code +FGFOTA: "START"}, {@code +FGFOTA: "UPDATING",<percent>} and {@code +FGFOTA: "END",<code>}
     * (0 done, 504 not a firmware image for this module, 505 lower security version); on 0 the module
     * reboots into the new firmware.
     */
    private Reply fota(Path stored) {
        if (!Files.exists(stored)) {
            return Reply.result("+CME ERROR: 4004");
        }
        return new Reply(List.of(), "OK", link -> {
            link.write(urc("\"START\""));
            FirmwareHeader header;
            try {
                header = FirmwareHeader.read(stored);
            } catch (IOException e) {
                header = null;
            }
            if (header == null) {
                return Reply.result("+FGFOTA: \"END\",504");
            }
            if (header.securityVersion() < state.getLong("securityVersion", 0)) {
                return Reply.result("+FGFOTA: \"END\",505");
            }
            try {
                for (int percent = 20; percent < 100; percent += 20) {
                    sleep(40);
                    if (percent == 60 && faults.losePowerNow()) {
                        state.set("lastFota", "interrupted by power loss at " + percent + " %; the old firmware was kept");
                        unplugLater();
                        return null;
                    }
                    link.write(urc("\"UPDATING\"," + percent));
                }
                state.set("revision", header.version());
                state.set("securityVersion", header.securityVersion());
                state.set("firmwareModel", header.model());
                state.set("lastFota", "installed " + header.version());
                Files.deleteIfExists(stored);
            } catch (IOException e) {
                return Reply.result("+FGFOTA: \"END\",500");
            }
            rebootLater();
            return Reply.result("+FGFOTA: \"END\",0");
        });
    }

    private static byte[] urc(String value) {
        return ("\r\n+FGFOTA: " + value + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long free() {
        if (faults.faults().storageFull()) {
            return 0;
        }
        long used = 0;
        try (var files = Files.list(folder.resolve("ufs"))) {
            for (Path f : files.toList()) {
                used += Files.size(f);
            }
        } catch (IOException e) {
            // an unreadable file system counts as empty
        }
        return FS_TOTAL - used;
    }

    @Override
    public String condition() {
        String last = state.get("lastFota", "");
        return "boots " + revision() + (last.isEmpty() ? "" : " (last update: " + last + ")");
    }
}
