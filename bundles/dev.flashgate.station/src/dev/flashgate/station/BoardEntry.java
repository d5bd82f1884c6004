package dev.flashgate.station;

import java.time.Instant;

import dev.flashgate.core.ErrorCode;

/**
 * One device on the station's board: who it is, where it is plugged, its stage, and for an update
 * the package, the session, its progress and, at the end, the outcome. {@code present} is false
 * once the device was unplugged (its last result stays on the board).
 */
public record BoardEntry(String deviceId, String imei, String model, String revision, String port, boolean present,
        Stage stage, String packageName, String version, String sessionId, String sessionState, double fraction,
        ErrorCode code, String detail, Instant since) {

    public enum Stage {
        /** Plugged in, not yet known well enough to match (no model or IMEI yet, or not in normal mode). */
        IDENTIFYING(false),
        /** No rule of the policy names its model: it is left alone. */
        NO_RULE(true),
        /** Its package is being fetched and verified. */
        PREPARING(false),
        /** Already runs the policy's package. */
        UP_TO_DATE(true),
        /** Waiting for a free session slot. */
        QUEUED(false),
        UPDATING(false),
        SUCCEEDED(true),
        FAILED(true);

        private final boolean settled;

        Stage(boolean settled) {
            this.settled = settled;
        }

        /** Nothing more happens for this device until it is unplugged and plugged again. */
        public boolean settled() {
            return settled;
        }
    }
}
