package dev.flashgate.upgrade;

import java.util.Objects;

/**
 * Writes back onto a device what a session kept of it before writing (a modem's calibration and
 * identity): the copies the journal lists for {@code imei} from session {@code fromSession}, or,
 * when that is {@code null}, from the newest session that kept any. {@code deviceId} names the
 * device; when {@code null}, it is the attached device with that IMEI, one in emergency download
 * the journal knows by it, or else the only attached device the plugin handles that reports no
 * IMEI (one that lost it); the plugin then checks it is the device the copies are of.
 */
public record RestoreRequest(String deviceId, String imei, String fromSession, SessionOptions options) {

    public RestoreRequest {
        Objects.requireNonNull(imei, "imei");
        Objects.requireNonNull(options, "options");
    }
}
