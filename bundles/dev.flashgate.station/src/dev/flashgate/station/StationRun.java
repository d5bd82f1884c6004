package dev.flashgate.station;

import java.time.Duration;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** Station mode while it runs; closing it starts nothing new and lets running sessions finish. */
@ProviderType
public interface StationRun extends AutoCloseable {

    StationPolicy policy();

    /** Every device seen since the start, ordered by port. */
    List<BoardEntry> board();

    /**
     * Waits until at least one device is on the board, every device is settled and nothing changed
     * for {@code quiet}; false if {@code max} passed first.
     */
    boolean awaitIdle(Duration quiet, Duration max) throws InterruptedException;

    @Override
    void close();
}
