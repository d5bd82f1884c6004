package dev.flashgate.upgrade;

import java.time.Duration;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** A running or finished update session. */
@ProviderType
public interface UpdateSession {

    String id();

    SessionStatus status();

    /** The session's log so far (the latest lines when it is long), oldest first. */
    List<String> log();

    /** Stops the session as soon as the device allows; its outcome states the device's condition. */
    void cancel();

    /** Waits up to {@code timeout} for the session to end; returns its status either way. */
    SessionStatus await(Duration timeout) throws InterruptedException;
}
