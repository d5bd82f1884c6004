package dev.flashgate.upgrade;

import java.nio.file.Path;
import java.util.Objects;

import dev.flashgate.core.pkg.TrustAnchors;

/**
 * Put package {@code pkg} on device {@code deviceId} (a discovery id such as {@code imei:…}).
 * The package's trust comes from {@code anchors}, or from the station's trust store when that is
 * {@code null}. {@code allowDowngrade} is the operator's explicit consent to an older versionCode;
 * a security-version rollback is never allowed.
 */
public record SessionRequest(Path pkg, String deviceId, TrustAnchors anchors, boolean allowDowngrade, SessionOptions options) {

    public SessionRequest {
        Objects.requireNonNull(pkg, "pkg");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(options, "options");
    }

    /** With the station's trust anchors and default options. */
    public static SessionRequest of(Path pkg, String deviceId) {
        return new SessionRequest(pkg, deviceId, null, false, SessionOptions.DEFAULTS);
    }
}
