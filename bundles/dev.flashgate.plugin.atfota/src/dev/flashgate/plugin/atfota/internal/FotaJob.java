package dev.flashgate.plugin.atfota.internal;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;
import dev.flashgate.core.pkg.Artifact;
import dev.flashgate.core.session.DeviceCondition;
import dev.flashgate.core.session.SessionState;
import dev.flashgate.device.AtChannel;
import dev.flashgate.device.AtResponse;
import dev.flashgate.upgrade.DeviceFacts;
import dev.flashgate.upgrade.UpgradeContext;
import dev.flashgate.upgrade.UpgradeJob;

/**
 * One module update: upload the firmware file with {@code AT+FGFUPL} (raw bytes, the module
 * acknowledging every KiB, a 16-bit checksum at the end), read its SHA-256 back from the
 * module's file system, then start the module's own FOTA and follow it to its end. The module
 * keeps its old firmware until the new one is whole, so only the FOTA step touches what boots.
 */
final class FotaJob implements UpgradeJob {

    static final String FILE = "FOTA.BIN";
    private static final int CHUNK = 1024;
    private static final Duration COMMAND = Duration.ofSeconds(5);
    private static final Duration PROBE = Duration.ofMillis(800);
    /** Longer than the module's upload gives up after silence (5 s). */
    private static final Duration UPLOAD_GIVES_UP = Duration.ofMillis(5500);
    private static final Duration ACK = Duration.ofSeconds(10);
    private static final Duration UPLOAD_RESULT = Duration.ofSeconds(15);
    private static final Duration FOTA = Duration.ofSeconds(120);

    private final UpgradeContext context;
    private final Artifact image;
    private String revisionBefore;
    private SerialLink link;
    private AtChannel at;
    private boolean fotaStarted;
    private boolean fotaDone;
    private volatile boolean cancelled;

    FotaJob(UpgradeContext context) throws FlashgateException {
        this.context = context;
        List<Artifact> images = context.pkg().manifest().artifacts().stream().filter(a -> "image".equals(a.type())).toList();
        if (images.size() != 1 || context.pkg().manifest().artifacts().size() != 1) {
            throw new FlashgateException(ErrorCode.MANIFEST_INVALID, "an " + AtFotaPlugin.ID + " package has exactly one artifact, "
                    + "of type image; this one has " + context.pkg().manifest().artifacts().size() + " artifacts, " + images.size()
                    + " of type image");
        }
        this.image = images.get(0);
    }

    @Override
    public DeviceFacts facts() throws FlashgateException {
        try (SerialLink l = context.open("at")) {
            AtChannel channel = new AtChannel(l);
            commandMode(channel);
            AtResponse ati = channel.expectOk("ATI", COMMAND);
            String imei = ati.value("IMEI:");
            long free = channel.expectOk("AT+FGFS?", COMMAND).numbers("+FGFS:", 2, "AT+FGFS?")[0];
            long secver = channel.expectOk("AT+FGSECVER?", COMMAND).numbers("+FGSECVER:", 1, "AT+FGSECVER?")[0];
            revisionBefore = revisionBefore != null ? revisionBefore : ati.value("Revision:");
            return new DeviceFacts(imei, ati.value("Model:"), ati.value("Revision:"), null, null, -1, secver, free);
        }
    }

    @Override
    public long requiredStorage() {
        return image.size();
    }

    @Override
    public void prepare() throws FlashgateException {
        closeLink();
        link = context.open("at");
        at = new AtChannel(link);
        commandMode(at);
        at.command("AT+FGFDEL=\"" + FILE + "\"", COMMAND); // a file left by an earlier session; none is fine too
        long free = at.expectOk("AT+FGFS?", COMMAND).numbers("+FGFS:", 2, "AT+FGFS?")[0];
        if (free < image.size()) {
            throw new FlashgateException(ErrorCode.DEVICE_STORAGE_FULL, "the module has " + free + " bytes free, the image needs "
                    + image.size());
        }
    }

    @Override
    public void transfer() throws FlashgateException {
        AtResponse connect = at.command("AT+FGFUPL=\"" + FILE + "\"," + image.size(), COMMAND);
        if (connect.result().equals("+CME ERROR: 28")) {
            throw new FlashgateException(ErrorCode.DEVICE_STORAGE_FULL, "the module refused the upload of " + image.size()
                    + " bytes: no room (+CME ERROR: 28)");
        }
        if (!connect.result().startsWith("CONNECT")) {
            throw new FlashgateException(ErrorCode.DEVICE_NAK, "AT+FGFUPL answered " + connect.result());
        }
        context.log("uploading " + image.path() + " (" + image.size() + " bytes) as " + FILE);
        int checksum = 0;
        boolean high = true;
        byte[] chunk = new byte[CHUNK];
        byte[] ack = new byte[1];
        long sent = 0;
        try (InputStream data = context.pkg().open(image)) {
            while (sent < image.size()) {
                if (cancelled || context.cancelled()) {
                    throw new FlashgateException(ErrorCode.CANCELLED, "cancelled after " + sent + " bytes");
                }
                int n = data.readNBytes(chunk, 0, (int) Math.min(CHUNK, image.size() - sent));
                if (n <= 0) {
                    throw new FlashgateException(ErrorCode.INTERNAL, image.path() + " ended after " + sent + " bytes");
                }
                link.write(chunk, 0, n);
                for (int i = 0; i < n; i++) {
                    checksum ^= high ? (chunk[i] & 0xFF) << 8 : chunk[i] & 0xFF;
                    high = !high;
                }
                sent += n;
                context.progress(sent, image.size());
                if (sent % CHUNK == 0 && sent < image.size()) {
                    awaitAck(ack, sent);
                }
            }
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.INTERNAL, "reading " + image.path() + ": " + e.getMessage(), e);
        }
        String result = null;
        long deadline = System.nanoTime() + UPLOAD_RESULT.toNanos();
        while (System.nanoTime() < deadline) {
            String line = at.readLine(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (line == null) {
                break;
            }
            if (line.startsWith("+FGFUPL:")) {
                result = line.substring("+FGFUPL:".length()).trim();
            } else if (line.equals("OK") && result != null) {
                String expected = image.size() + "," + String.format("%04x", checksum);
                if (!expected.equals(result.toLowerCase(Locale.ROOT))) {
                    throw new FlashgateException(ErrorCode.READBACK_MISMATCH, "the module received " + result
                            + " (size,checksum), " + expected + " was sent");
                }
                return;
            } else if (line.equals("ERROR") || line.startsWith("+CME ERROR")) {
                throw new FlashgateException(ErrorCode.DEVICE_NAK, "the module ended the upload with " + line
                        + (result == null ? "" : " (" + result + ")"));
            }
        }
        throw new FlashgateException(ErrorCode.DEVICE_STALLED, "the module did not confirm the upload within "
                + UPLOAD_RESULT.toSeconds() + " s");
    }

    /**
     * The module's {@code A} after each KiB: it has stored that much and wants the next. Line ends
     * before it are the tail of the {@code CONNECT} line.
     */
    private void awaitAck(byte[] ack, long sent) throws FlashgateException {
        long deadline = System.nanoTime() + ACK.toNanos();
        do {
            int n = link.read(ack, 0, 1, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (n <= 0) {
                break;
            }
            if (ack[0] == 'A') {
                return;
            }
            if (ack[0] != '\r' && ack[0] != '\n') {
                throw new FlashgateException(ErrorCode.DEVICE_NAK, "the module answered 0x" + Integer.toHexString(ack[0] & 0xFF)
                        + " instead of an acknowledgement after byte " + sent);
            }
        } while (System.nanoTime() < deadline);
        throw new FlashgateException(ErrorCode.DEVICE_STALLED, "the module did not acknowledge byte " + sent + " within "
                + ACK.toSeconds() + " s");
    }

    @Override
    public void verifyOnDevice() throws FlashgateException {
        String sha = at.expectOk("AT+FGFSHA=\"" + FILE + "\"", COMMAND).value("+FGFSHA:");
        if (!image.sha256().equals(sha == null ? null : sha.toLowerCase(Locale.ROOT))) {
            throw new FlashgateException(ErrorCode.READBACK_MISMATCH, "the module's file system holds " + FILE + " with SHA-256 "
                    + sha + ", the package's is " + image.sha256());
        }
        context.log("the module holds the image: SHA-256 " + sha);
    }

    @Override
    public void activate() throws FlashgateException {
        at.expectOk("AT+FGFOTA=\"" + FILE + "\"", COMMAND);
        long deadline = System.nanoTime() + FOTA.toNanos();
        while (System.nanoTime() < deadline) {
            String line = at.readLine(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (line == null || !line.startsWith("+FGFOTA:")) {
                continue;
            }
            String value = line.substring("+FGFOTA:".length()).trim();
            if (value.equals("\"START\"")) {
                fotaStarted = true;
                context.log("the module started its update");
            } else if (value.startsWith("\"UPDATING\",")) {
                context.log("the module's update: " + value.substring("\"UPDATING\",".length()) + " %");
            } else if (value.startsWith("\"END\",")) {
                String code = value.substring("\"END\",".length());
                switch (code) {
                    case "0" -> {
                        fotaDone = true;
                        context.log("the module installed the firmware and reboots into it");
                        closeLink();
                        return;
                    }
                    case "505" -> throw new FlashgateException(ErrorCode.SECURITY_VERSION_ROLLBACK,
                            "the module refused the image: its security version is lower than the module's (FOTA end 505)");
                    default -> throw new FlashgateException(ErrorCode.DEVICE_NAK, "the module's update ended with code " + code);
                }
            }
        }
        throw new FlashgateException(ErrorCode.DEVICE_STALLED, "the module's update did not end within " + FOTA.toSeconds() + " s");
    }

    @Override
    public DeviceCondition condition(SessionState state, FlashgateException failure) {
        String was = revisionBefore == null ? "its previous firmware" : revisionBefore;
        if (state != SessionState.ACTIVATING || !fotaStarted) {
            return DeviceCondition.untouched("runs " + was + "; the uploaded file was not applied");
        }
        if (failure.code() == ErrorCode.ACTIVATION_FAILED) {
            return DeviceCondition.recoverable("the module boots, but not the package's firmware (" + failure.detail()
                    + "); run the session again, then report it");
        }
        if (fotaDone) {
            return new DeviceCondition(DeviceCondition.Kind.UNKNOWN, "the module finished its update and was rebooting; reconnect "
                    + "it and check its revision");
        }
        if (failure.code() == ErrorCode.SECURITY_VERSION_ROLLBACK || failure.code() == ErrorCode.DEVICE_NAK) {
            return DeviceCondition.untouched("runs " + was + "; the module refused the update before writing it");
        }
        return DeviceCondition.recoverable("the update was cut off; the module keeps " + was + " until a new firmware is whole: "
                + "power-cycle it and run the session again");
    }

    @Override
    public void cancel() {
        cancelled = true;
    }

    @Override
    public void close() {
        closeLink();
    }

    private void closeLink() {
        if (link != null) {
            link.close();
            link = null;
            at = null;
        }
    }

    /**
     * A module whose upload was cut off by the host (a cancel, a crash, a pulled cable) still waits
     * for the rest of the file, deaf to AT, until its silence timeout ends the upload. If a plain
     * AT goes unanswered, wait for that, then ask again.
     */
    private void commandMode(AtChannel channel) throws FlashgateException {
        if (channel.answers(PROBE)) {
            return;
        }
        context.log("the module does not answer AT; waiting for an upload it may still be in to give up");
        byte[] drain = new byte[256];
        long deadline = System.nanoTime() + UPLOAD_GIVES_UP.toNanos();
        boolean answered = false;
        while (System.nanoTime() < deadline) { // its silence timeout, then what it says on giving up, until it is quiet
            int n = channel.link().read(drain, 0, drain.length, answered ? Duration.ofMillis(300) : Duration.ofMillis(100));
            if (answered && n <= 0) {
                break;
            }
            answered |= n > 0;
        }
        channel.expectOk("AT", COMMAND);
    }
}
