package dev.flashgate.upgrade;

import java.util.Objects;

/**
 * Writes back onto a device what a session kept of it before writing (a modem's calibration and
 * identity): the copies the journal lists for {@code imei} from session {@code fromSession}, or,
 * when that is {@code null}, from the newest session that kept any.
 */
public record RestoreRequest(String deviceId, String imei, String fromSession, SessionOptions options) {

    public RestoreRequest {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(imei, "imei");
        Objects.requireNonNull(options, "options");
    }
}
