package dev.flashgate.core.pkg;

/** The outcome of streaming one artifact: what the manifest said against what the bytes are. */
public record ArtifactResult(Artifact artifact, Status status, long actualSize, String actualSha256) {

    public enum Status {
        /** Size and SHA-256 match the signed manifest. */
        MATCH,
        HASH_MISMATCH,
        SIZE_MISMATCH,
        /** The manifest lists it but the package has no such entry. */
        MISSING,
        /** Not hashed, because verification stopped earlier. */
        NOT_CHECKED
    }

    public static ArtifactResult notChecked(Artifact artifact) {
        return new ArtifactResult(artifact, Status.NOT_CHECKED, -1, null);
    }
}
