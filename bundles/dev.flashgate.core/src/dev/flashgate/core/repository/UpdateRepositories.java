package dev.flashgate.core.repository;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.ProgressListener;

/**
 * The repositories a station fetches packages from. Every call checks the whole chain of trust
 * from the pinned root; what was verified is cached under the station's home, so an offline or
 * air-gapped station keeps working from the cache (or from a copy on removable media) until the
 * metadata expires. Nothing unverified is ever kept: a failed update leaves the last trusted state.
 */
@ProviderType
public interface UpdateRepositories {

    /**
     * Sets up a repository: {@code location} is an {@code http(s)} or {@code file} URI of the
     * repository's top folder; {@code root} a root metadata file the vendor handed over out of
     * band, which becomes the pinned root (it must be signed by its own threshold of keys).
     */
    RepositoryStatus add(String name, URI location, Path root) throws FlashgateException;

    void remove(String name) throws FlashgateException;

    List<RepositoryStatus> list();

    RepositoryStatus status(String name) throws FlashgateException;

    /** Refreshes the metadata from the repository's location (root rotations, timestamp, snapshot, targets). */
    RepositoryStatus update(String name) throws FlashgateException;

    /**
     * Refreshes from a copy of the repository (a folder on removable media) with exactly the checks
     * of {@link #update}, then takes every package it holds into the cache, each checked against the
     * signed length and hash.
     */
    RepositoryStatus importFrom(String name, Path copy) throws FlashgateException;

    /** The packages the trusted metadata lists; fails if that metadata has expired. */
    List<RepositoryTarget> targets(String name) throws FlashgateException;

    /**
     * A package of the repository as a local file, downloaded (or taken from the cache) and checked
     * against the signed length and SHA-256 while streaming. The file stays in the station's cache.
     */
    Path fetch(String name, String target, ProgressListener progress) throws FlashgateException;
}
