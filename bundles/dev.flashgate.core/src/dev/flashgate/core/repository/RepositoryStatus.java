package dev.flashgate.core.repository;

import java.net.URI;
import java.time.Instant;

/**
 * What a station trusts of one repository: the versions of the metadata it last verified and
 * when the earliest of them expires ({@code null} values before the first update).
 */
public record RepositoryStatus(String name, URI location, long rootVersion, long targetsVersion,
        long snapshotVersion, long timestampVersion, Instant expires, Instant updated, int targets) {

    public boolean updatedOnce() {
        return updated != null;
    }
}
