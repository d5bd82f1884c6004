package dev.flashgate.core.session;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.osgi.annotation.versioning.ProviderType;

import dev.flashgate.core.FlashgateException;

/**
 * The durable record of update sessions. A write returns only once it is stored, so a session
 * never takes a step the journal does not know about; a failed write is {@code HOST_DISK_FULL}
 * or {@code INTERNAL} and the session stops before touching the device.
 */
@ProviderType
public interface SessionJournal {

    /** Stores the session as it is now together with the transition that made it so. */
    void write(SessionRecord session, Transition transition) throws FlashgateException;

    /** Sessions, newest first; {@code imei} null for all devices. */
    List<SessionRecord> sessions(String imei, int limit) throws FlashgateException;

    Optional<SessionRecord> session(String id) throws FlashgateException;

    List<Transition> transitions(String sessionId) throws FlashgateException;

    /** The highest security version a successful session installed on the device; empty if none. */
    OptionalLong installedSecurityVersion(String imei) throws FlashgateException;

    /** The versionCode of the package that installed {@code version} on any device; empty if none did here. */
    OptionalLong versionCodeOf(String version) throws FlashgateException;

    /**
     * Records that discovery id {@code alias} (e.g. a device's emergency download port) was bound by a
     * session to the device with this IMEI and model, so a later session that finds the device in
     * that mode, where it cannot say who it is, knows.
     */
    void alias(String alias, String imei, String model) throws FlashgateException;

    /** Who the device behind discovery id {@code alias} was, when a session bound it last. */
    Optional<DeviceAlias> alias(String alias) throws FlashgateException;

    /**
     * Records what a session learnt of the device with this IMEI that stays the same across its
     * modes and updates, by name (an upgrade plugin's, e.g. the serial of its chip), replacing an
     * earlier value of that name.
     */
    void fact(String imei, String name, String value) throws FlashgateException;

    /** What sessions recorded of the device with this IMEI, by name; empty if nothing. */
    java.util.Map<String, String> facts(String imei) throws FlashgateException;

    /**
     * Records that a session kept a copy of device content ({@code name}, e.g. a partition) in the
     * station's backup store, by the SHA-256 of its bytes.
     */
    void backup(Backup backup) throws FlashgateException;

    /** The copies sessions kept of the device with this IMEI, newest first. */
    List<Backup> backups(String imei) throws FlashgateException;

    /** One copy of device content a session kept before writing, found in the backup store by its SHA-256. */
    record Backup(String sessionId, String imei, String name, String sha256, long bytes, java.time.Instant taken) {
    }

    /** A discovery id another mode of a device had, and the device's IMEI and model. */
    record DeviceAlias(String alias, String imei, String model, java.time.Instant bound) {
    }
}
