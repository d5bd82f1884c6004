package dev.flashgate.plugin.ymodem.internal;

import java.io.BufferedInputStream;
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
import dev.flashgate.device.YmodemSender;
import dev.flashgate.upgrade.DeviceFacts;
import dev.flashgate.upgrade.UpgradeContext;
import dev.flashgate.upgrade.UpgradeJob;

/**
 * One hotspot update: upload the image into the device's staging area with YMODEM, compare the
 * hash the device computed with the manifest's, then have it install into the inactive slot and
 * switch. Until {@code AT+FGAPPLY} is answered the active slot is never touched, so every
 * failure before that leaves the device as it was.
 */
final class YmodemJob implements UpgradeJob {

    private static final Duration COMMAND = Duration.ofSeconds(5);
    private static final Duration PROBE = Duration.ofMillis(800);
    /** Longer than a receiver's block timeout, so one waiting for the rest of a block has asked again. */
    private static final Duration STALE_TRANSFER_QUIET = Duration.ofMillis(3500);
    private static final Duration BLOCK_ANSWER = Duration.ofSeconds(10);
    private static final int BLOCK_RETRIES = 10;
    private static final Duration UPLOAD_RESULT = Duration.ofSeconds(15);

    private final UpgradeContext context;
    private final Artifact image;
    private String revisionBefore;
    private SerialLink link;
    private AtChannel at;
    private String uploadedSha256;
    private boolean applyAnswered;
    private volatile YmodemSender sender;

    YmodemJob(UpgradeContext context) throws FlashgateException {
        this.context = context;
        List<Artifact> images = context.pkg().manifest().artifacts().stream().filter(a -> "image".equals(a.type())).toList();
        if (images.size() != 1 || context.pkg().manifest().artifacts().size() != 1) {
            throw new FlashgateException(ErrorCode.MANIFEST_INVALID, "an " + AtYmodemPlugin.ID
                    + " package has exactly one artifact, of type image; this one has " + context.pkg().manifest().artifacts().size()
                    + " artifacts, " + images.size() + " of type image");
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
            if (imei == null) {
                imei = channel.expectOk("AT+CGSN", COMMAND).lines().stream().filter(s -> s.matches("\\d{15}")).findFirst().orElse(null);
            }
            long free = channel.expectOk("AT+FGSTOR?", COMMAND).numbers("+FGSTOR:", 2, "AT+FGSTOR?")[0];
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
        at.expectOk("AT", COMMAND);
        long free = at.expectOk("AT+FGSTOR?", COMMAND).numbers("+FGSTOR:", 2, "AT+FGSTOR?")[0];
        if (free < image.size()) {
            throw new FlashgateException(ErrorCode.DEVICE_STORAGE_FULL, "the device has " + free + " bytes free, the image needs "
                    + image.size());
        }
    }

    @Override
    public void transfer() throws FlashgateException {
        uploadedSha256 = null;
        AtResponse connect = at.command("AT+FGUPL=" + image.size(), COMMAND);
        if (connect.result().equals("+CME ERROR: 28")) {
            throw new FlashgateException(ErrorCode.DEVICE_STORAGE_FULL, "the device refused the upload of " + image.size()
                    + " bytes: no room (+CME ERROR: 28)");
        }
        if (!connect.result().startsWith("CONNECT")) {
            throw new FlashgateException(ErrorCode.DEVICE_NAK, "AT+FGUPL answered " + connect.result());
        }
        context.log("uploading " + image.path() + " (" + image.size() + " bytes) with YMODEM");
        YmodemSender sender = new YmodemSender(link, BLOCK_ANSWER, BLOCK_RETRIES);
        this.sender = sender;
        if (context.cancelled()) {
            sender.cancel();
        }
        String name = image.path().substring(image.path().lastIndexOf('/') + 1);
        // buffered: YMODEM takes 1 KiB at a time, the package is better read (and re-hashed) in large pieces
        try (InputStream data = new BufferedInputStream(context.pkg().open(image), 64 * 1024)) {
            sender.send(name, image.size(), data, sent -> context.progress(sent, image.size()));
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.INTERNAL, "closing " + image.path() + ": " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + UPLOAD_RESULT.toNanos();
        while (System.nanoTime() < deadline) {
            String line = at.readLine(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (line == null) {
                break;
            }
            if (line.startsWith("+FGUPL:")) {
                String value = line.substring("+FGUPL:".length()).trim();
                if (value.startsWith("ABORTED")) {
                    throw new FlashgateException(ErrorCode.DEVICE_NAK, "the device aborted the upload: " + value);
                }
                uploadedSha256 = value.toLowerCase(Locale.ROOT);
            } else if (line.equals("OK") && uploadedSha256 != null) {
                return;
            } else if (line.equals("ERROR") || line.startsWith("+CME ERROR")) {
                throw new FlashgateException(ErrorCode.DEVICE_NAK, "the device ended the upload with " + line);
            }
        }
        throw new FlashgateException(ErrorCode.DEVICE_STALLED, "the device did not report the uploaded image's hash within "
                + UPLOAD_RESULT.toSeconds() + " s");
    }

    @Override
    public void verifyOnDevice() throws FlashgateException {
        if (!image.sha256().equals(uploadedSha256)) {
            throw new FlashgateException(ErrorCode.READBACK_MISMATCH, "the device received an image with SHA-256 " + uploadedSha256
                    + ", the package's is " + image.sha256());
        }
        context.log("the device holds the image: SHA-256 " + uploadedSha256);
    }

    @Override
    public void activate() throws FlashgateException {
        AtResponse apply = at.command("AT+FGAPPLY=" + uploadedSha256, Duration.ofSeconds(30));
        if (!apply.ok()) {
            String why = apply.value("+FGAPPLY:");
            if ("SECURITY VERSION ROLLBACK".equals(why)) {
                throw new FlashgateException(ErrorCode.SECURITY_VERSION_ROLLBACK, "the device refused the image: " + why);
            }
            throw new FlashgateException(ErrorCode.DEVICE_NAK, "AT+FGAPPLY answered " + apply.result() + (why == null ? "" : " (" + why + ")"));
        }
        applyAnswered = true;
        context.log("installed into the inactive slot; the device reboots into it");
        closeLink();
    }

    @Override
    public DeviceCondition condition(SessionState state, FlashgateException failure) {
        String was = revisionBefore == null ? "its previous firmware" : revisionBefore;
        if (state != SessionState.ACTIVATING) {
            return DeviceCondition.untouched("runs " + was + " from its active slot; the upload was not installed");
        }
        if (failure.code() == ErrorCode.ACTIVATION_FAILED) {
            return DeviceCondition.recoverable("the device boots, but not the package's firmware (" + failure.detail()
                    + "); run the session again, then report it");
        }
        if (applyAnswered) {
            return new DeviceCondition(DeviceCondition.Kind.UNKNOWN, "the device switched slots and was rebooting; reconnect it "
                    + "and check its revision: it boots the new slot, or " + was + " if the new one does not start");
        }
        return DeviceCondition.recoverable("the apply was cut off; the A/B layout keeps " + was + " bootable: power-cycle the "
                + "device and run the session again");
    }

    @Override
    public void cancel() {
        YmodemSender running = sender;
        if (running != null) {
            running.cancel();
        }
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
     * A device whose last upload was cut off by the host (a crash, a pulled cable) may still sit in
     * its YMODEM receive, deaf to AT. If a plain AT goes unanswered, cancel that transfer first.
     */
    private void commandMode(AtChannel channel) throws FlashgateException {
        if (channel.answers(PROBE)) {
            return;
        }
        context.log("the device does not answer AT; cancelling a transfer it may still be in");
        YmodemSender.cancelReceiver(channel.link(), STALE_TRANSFER_QUIET);
        channel.expectOk("AT", COMMAND);
    }
}
