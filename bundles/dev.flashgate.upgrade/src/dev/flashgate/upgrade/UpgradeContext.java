package dev.flashgate.upgrade;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.osgi.annotation.versioning.ProviderType;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.Device;
import dev.flashgate.core.device.SerialLink;
import dev.flashgate.core.pkg.VerifiedPackage;

/** What the engine gives a job: the device, the verified package, watched links, progress and log. */
@ProviderType
public interface UpgradeContext {

    /** The device as discovery knows it now; its ports change when it re-enumerates. */
    Device device();

    /** The verified package; {@code null} in a session that restores what an earlier one kept. */
    VerifiedPackage pkg();

    /**
     * Opens the device's current port of {@code role} ({@code at}, {@code diag}, {@code edl}).
     * A job may keep it across steps. The session's watchdog watches the link; the engine closes it
     * on a stall, on cancel, before a retry, after activation and when the session ends. A port
     * briefly held by discovery, or not yet shown by it (a device that just came back), is waited for.
     */
    SerialLink open(String role) throws FlashgateException;

    /**
     * Opens the port of {@code role} of another discovered device that is this session's device in
     * another mode (e.g. its emergency download port after a mode switch); watched and closed
     * like {@link #open(String)}.
     */
    SerialLink open(Device device, String role) throws FlashgateException;

    /**
     * Waits for a device matching {@code match} to be present (after a mode switch or reboot);
     * {@code DEVICE_GONE} when none comes within {@code timeout}, {@code CANCELLED} on cancel.
     */
    Device awaitDevice(Predicate<Device> match, Duration timeout) throws FlashgateException;

    /** Every device discovery knows now, e.g. to tell a device that appears later from those already there. */
    List<Device> devices();

    /** Bytes done of the current step. */
    void progress(long done, long total);

    /**
     * What sessions recorded of this device that stays the same across its modes (see
     * {@link #recordFact}), by name; empty while the device's IMEI is not known.
     */
    Map<String, String> recordedFacts() throws FlashgateException;
    /**
     * Records in the journal a fact of this device that stays the same across its modes and
     * updates (e.g. its chip's serial, read in emergency download), so a later session can know the
     * device again by it; names are the plugin's. Logged only while the device's IMEI is not known.
     */
    void recordFact(String name, String value) throws FlashgateException;
    /** Device content a job writes out for the backup store. */
    @FunctionalInterface
    interface BackupSource {
        void writeTo(OutputStream out) throws FlashgateException, IOException;
    }
    /**
     * Keeps a copy of device content ({@code name}, e.g. a partition read back) in the station's
     * backup store under the device's IMEI, content-addressed and never overwritten, and journals
     * it with this session; returns its SHA-256 (lowercase hex). A full disk is
     * {@code HOST_DISK_FULL} and leaves nothing half written.
     */
    String backup(String name, BackupSource source) throws FlashgateException;
    /**
     * Journals with this session a copy the backup store holds already for this device: content
     * of {@code bytes} bytes with this SHA-256 (which the device computed of what it holds), so it
     * need not be read again; {@code false} when the store has no such copy.
     */
    boolean backupKept(String name, String sha256, long bytes) throws FlashgateException;
    /** A line for the session log. */
    void log(String message);

    /** True once the operator cancelled; long loops should check it and stop. */
    boolean cancelled();

    SessionOptions options();
}
