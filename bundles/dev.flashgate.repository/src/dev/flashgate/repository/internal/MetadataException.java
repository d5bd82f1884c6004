package dev.flashgate.repository.internal;

/** Metadata that does not have the form its role requires; reported as {@code REPO_METADATA_INVALID}. */
final class MetadataException extends Exception {
    private static final long serialVersionUID = 1L;

    MetadataException(String message) {
        super(message);
    }
}
