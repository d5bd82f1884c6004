package dev.flashgate.core.pkg;

/** Receives progress of long work; called from worker threads, so implementations must be thread safe. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (done, total) -> { };

    void progress(long done, long total);
}
