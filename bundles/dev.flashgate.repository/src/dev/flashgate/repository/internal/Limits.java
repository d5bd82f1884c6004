package dev.flashgate.repository.internal;

import java.time.Duration;

/**
 * Bounds on what a repository may make a station download: the most each metadata file may be,
 * how long a download may receive nothing, and the lowest average rate it may fall to once
 * {@code grace} has passed (a server sending a byte now and then is as bad as a silent one).
 */
record Limits(long maxRoot, long maxTimestamp, long maxSnapshot, long maxTargets, Duration stallTimeout,
        long minBytesPerSecond, Duration grace, int maxRootRotations) {

    static final Limits DEFAULT = new Limits(512 * 1024, 16 * 1024, 2 * 1024 * 1024, 32 * 1024 * 1024,
            Duration.ofSeconds(20), 16 * 1024, Duration.ofSeconds(10), 64);
}
