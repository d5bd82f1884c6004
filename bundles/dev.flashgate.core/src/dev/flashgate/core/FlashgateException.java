package dev.flashgate.core;

import java.util.Objects;

/** A failure with a stable {@link ErrorCode}; the message gives the concrete detail. */
public class FlashgateException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public FlashgateException(ErrorCode code, String detail) {
        super(detail);
        this.code = Objects.requireNonNull(code);
    }

    public FlashgateException(ErrorCode code, String detail, Throwable cause) {
        super(detail, cause);
        this.code = Objects.requireNonNull(code);
    }

    /**
     * A failure that reached a boundary (a command, a session, a verification) without a code of
     * its own, typed: the Java heap running out is the station's condition, anything else a bug.
     * Boundaries catch {@link Throwable} and type it here, so that no {@link Error} ends a command
     * with status 0 or leaves a session without an outcome.
     */
    public static FlashgateException unexpected(Throwable t) {
        if (t instanceof FlashgateException fe) {
            return fe;
        }
        if (t instanceof OutOfMemoryError) {
            return new FlashgateException(ErrorCode.HOST_LOW_MEMORY, "the Java heap is exhausted (" + t.getMessage()
                    + "; at most " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB)", t);
        }
        return new FlashgateException(ErrorCode.INTERNAL, t.toString(), t);
    }

    public ErrorCode code() {
        return code;
    }

    /** The detail without the code, e.g. {@code "images/modem.ubi: expected 12 bytes, found 10"}. */
    public String detail() {
        return getMessage();
    }

    @Override
    public String toString() {
        return code + ": " + getMessage();
    }
}
