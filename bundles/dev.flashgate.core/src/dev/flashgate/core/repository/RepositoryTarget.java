package dev.flashgate.core.repository;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.flashgate.core.pkg.Manifest;

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

    /**
     * The package for {@code model} among {@code targets}: the one named {@code name}, or with
     * {@code name} {@code null} the newest for the model (highest versionCode, then name).
     */
    public static Optional<RepositoryTarget> choose(List<RepositoryTarget> targets, String model, String name) {
        if (name != null) {
            return targets.stream().filter(t -> t.name().equals(name) && t.isFor(model)).findFirst();
        }
        return targets.stream().filter(t -> t.isFor(model))
                .max(java.util.Comparator.comparingLong(RepositoryTarget::versionCode).thenComparing(RepositoryTarget::name));
    }

    public boolean isFor(String model) {
        return models.stream().anyMatch(m -> m.equalsIgnoreCase(model));
    }

    /**
     * What the verified manifest of the package fetched for this target says differently from the
     * repository's listing (version, versionCode, plugin, models), if anything: a repository must not
     * offer a package as something it is not.
     */
    public Optional<String> mismatch(Manifest manifest) {
        List<String> differences = new ArrayList<>();
        if (firmwareVersion != null && !firmwareVersion.equals(manifest.version())) {
            differences.add("version " + manifest.version() + ", listed as " + firmwareVersion);
        }
        if (versionCode != 0 && versionCode != manifest.versionCode()) {
            differences.add("versionCode " + manifest.versionCode() + ", listed as " + versionCode);
        }
        if (plugin != null && !plugin.equals(manifest.target().plugin())) {
            differences.add("plugin " + manifest.target().plugin() + ", listed as " + plugin);
        }
        if (!models.isEmpty() && !Set.copyOf(models).equals(Set.copyOf(manifest.target().models()))) {
            differences.add("models " + manifest.target().models() + ", listed as " + models);
        }
        return differences.isEmpty() ? Optional.empty() : Optional.of(name + " is " + String.join("; ", differences));
    }
}
