package dev.flashgate.core.session;

import java.util.Objects;

/**
 * What a session left the device in, said so a technician knows what to do next:
 * {@code detail} names the firmware it boots or the action that recovers it.
 */
public record DeviceCondition(Kind kind, String detail) {

    public enum Kind {
        /** Nothing on the device was changed; it runs what it ran before. */
        UNTOUCHED,
        /** The new firmware runs. */
        UPDATED,
        /** The device is not in working order but the action in {@code detail} brings it back. */
        RECOVERABLE,
        /** Flashgate cannot bring it back; it needs a service technician. */
        NEEDS_SERVICE,
        /** The session could not tell (the device vanished); {@code detail} says what to check. */
        UNKNOWN
    }

    public DeviceCondition {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }

    public static DeviceCondition untouched(String detail) {
        return new DeviceCondition(Kind.UNTOUCHED, detail);
    }

    public static DeviceCondition recoverable(String action) {
        return new DeviceCondition(Kind.RECOVERABLE, action);
    }

    @Override
    public String toString() {
        return kind + ": " + detail;
    }
}
