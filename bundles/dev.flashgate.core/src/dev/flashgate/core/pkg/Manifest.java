package dev.flashgate.core.pkg;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The signed description of an update package ({@code manifest.json}, format 1).
 * Optional fields are {@code null} when absent; {@code extra} keeps unknown fields (plain Java
 * values: String, Number, Boolean, List, Map) so they can be shown, never acted on.
 */
public record Manifest(
        String format,
        String vendor,
        String title,
        String version,
        long versionCode,
        long securityVersion,
        Instant created,
        Instant expires,
        Target target,
        List<Artifact> artifacts,
        String notes,
        Map<String, Object> extra) {

    public static final String FORMAT_1 = "flashgate-package/1";
    public static final String ENTRY = "manifest.json";
    public static final String SIGNATURE_ENTRY = "manifest.json.p7s";

    public Manifest {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(target, "target");
        artifacts = List.copyOf(artifacts);
        extra = Map.copyOf(extra);
    }

    public long totalArtifactBytes() {
        return artifacts.stream().mapToLong(Artifact::size).sum();
    }
}
