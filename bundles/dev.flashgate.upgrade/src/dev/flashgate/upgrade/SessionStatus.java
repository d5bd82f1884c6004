package dev.flashgate.upgrade;

import java.time.Duration;

import dev.flashgate.core.session.SessionRecord;

/**
 * A session now: its journal record and the current step's progress. {@code bytesPerSecond} and
 * {@code eta} are 0 and {@code null} until data moves.
 */
public record SessionStatus(SessionRecord record, long done, long total, double bytesPerSecond, Duration eta) {

    public double fraction() {
        return total <= 0 ? 0 : Math.min(1.0, (double) done / total);
    }
}
