package dev.flashgate.core.pkg;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything verification learned about a package. {@code signature} is {@code null} when none
 * could be read; {@code manifest} is {@code null} when it was not parsed. A manifest is only
 * {@code manifestTrusted} when it was parsed after its signature chained to a trust anchor;
 * otherwise (inspection of an untrusted package) it must be shown as unauthenticated.
 */
public record VerificationReport(
        Path source,
        long packageSize,
        List<EntryInfo> entries,
        SignatureInfo signature,
        Manifest manifest,
        boolean manifestTrusted,
        List<ArtifactResult> artifacts,
        Verdict verdict,
        Duration elapsed) {

    public VerificationReport {
        entries = List.copyOf(entries);
        artifacts = List.copyOf(artifacts);
    }

    public boolean verified() {
        return verdict.verified();
    }
}
