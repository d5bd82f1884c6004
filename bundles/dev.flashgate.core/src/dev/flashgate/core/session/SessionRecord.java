package dev.flashgate.core.session;

import java.time.Instant;
import java.util.Objects;

import dev.flashgate.core.ErrorCode;

/**
 * A session as the journal keeps it. Fields not known yet are {@code null} (or -1 for numbers):
 * the device's IMEI and revision are only known after preflight, the outcome only at the end.
 * {@code state} is the current or final state; {@code lastActive} the last state that did work,
 * which says where a failed or interrupted session stopped. {@code station} names the process
 * that ran it ({@code host:pid}).
 */
public record SessionRecord(
        String id,
        Instant started,
        Instant ended,
        String station,
        String packagePath,
        String vendor,
        String version,
        long versionCode,
        long securityVersion,
        String plugin,
        String deviceId,
        String imei,
        String model,
        String revisionBefore,
        SessionState state,
        SessionState lastActive,
        ErrorCode code,
        String detail,
        DeviceCondition condition) {

    public SessionRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(state, "state");
    }

    /** This record in {@code next} state; {@code lastActive} follows unless {@code next} is final. */
    public SessionRecord enter(SessionState next, Instant at) {
        return new SessionRecord(id, started, next.isFinal() ? at : null, station, packagePath, vendor, version, versionCode,
                securityVersion, plugin, deviceId, imei, model, revisionBefore, next, next.isFinal() ? lastActive : next, code,
                detail, condition);
    }

    public SessionRecord withPackage(String vendor, String version, long versionCode, long securityVersion, String plugin) {
        return new SessionRecord(id, started, ended, station, packagePath, vendor, version, versionCode, securityVersion,
                plugin, deviceId, imei, model, revisionBefore, state, lastActive, code, detail, condition);
    }

    public SessionRecord withDevice(String deviceId, String imei, String model, String revisionBefore) {
        return new SessionRecord(id, started, ended, station, packagePath, vendor, version, versionCode, securityVersion,
                plugin, deviceId, imei, model, revisionBefore, state, lastActive, code, detail, condition);
    }

    public SessionRecord withOutcome(ErrorCode code, String detail, DeviceCondition condition) {
        return new SessionRecord(id, started, ended, station, packagePath, vendor, version, versionCode, securityVersion,
                plugin, deviceId, imei, model, revisionBefore, state, lastActive, code, detail, condition);
    }
}
