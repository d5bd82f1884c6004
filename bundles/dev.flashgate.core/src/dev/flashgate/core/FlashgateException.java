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
