package dev.flashgate.core.pkg;

import java.util.Map;
import java.util.Objects;

/**
 * One file of a package as the manifest declares it: entry path, exact size, SHA-256 in
 * lowercase hex, and an optional {@code type} ({@code null} when absent) such as
 * {@code programmer}, {@code layout} or {@code image}. Plugin-specific fields stay in {@code extra}.
 */
public record Artifact(String path, long size, String sha256, String type, Map<String, Object> extra) {

    public Artifact {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sha256, "sha256");
        extra = Map.copyOf(extra);
    }
}
