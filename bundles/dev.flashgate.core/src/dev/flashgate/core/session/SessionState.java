package dev.flashgate.core.session;

/**
 * The states of an update session, in the order a successful one passes them. Any active state
 * may end in {@link #FAILED} or {@link #CANCELLED}; {@link #INTERRUPTED} is what the journal
 * records for a session whose process died before it ended.
 */
public enum SessionState {
    PENDING,
    VERIFYING,
    PREFLIGHT,
    PREPARING,
    TRANSFERRING,
    VERIFYING_DEVICE,
    ACTIVATING,
    SUCCEEDED,
    FAILED,
    CANCELLED,
    INTERRUPTED;

    public boolean isFinal() {
        return ordinal() >= SUCCEEDED.ordinal();
    }

    /** True from the first state that talks to the device up to its end. */
    public boolean touchesDevice() {
        return ordinal() >= PREPARING.ordinal() && ordinal() <= ACTIVATING.ordinal();
    }
}
