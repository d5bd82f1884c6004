package dev.flashgate.core.session;

import java.time.Instant;
import java.util.Objects;

import dev.flashgate.core.ErrorCode;

/** One step of a session's life: the state it entered, when, and for failures the code and detail. */
public record Transition(int seq, Instant at, SessionState state, ErrorCode code, String detail) {

    public Transition {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(state, "state");
    }
}
