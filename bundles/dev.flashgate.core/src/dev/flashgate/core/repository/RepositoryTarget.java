package dev.flashgate.core.repository;

import java.util.List;
import java.util.Objects;

/**
 * A package a repository signs for: its name, exact length and SHA-256, plus what the repository's
 * tool read from the package's manifest, so a station can choose without downloading
 * ({@code versionCode} is 0 and the lists are empty when the targets metadata says nothing).
 */
public record RepositoryTarget(String name, long length, String sha256, String vendor, String firmwareVersion,
        long versionCode, String plugin, List<String> models) {

    public RepositoryTarget {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sha256, "sha256");
        models = List.copyOf(models);
    }

    public boolean isFor(String model) {
        return models.stream().anyMatch(m -> m.equalsIgnoreCase(model));
    }
}
