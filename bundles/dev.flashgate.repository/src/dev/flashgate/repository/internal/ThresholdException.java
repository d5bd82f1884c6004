package dev.flashgate.repository.internal;

/** Too few valid signatures for a role's threshold; reported as {@code REPO_SIGNATURE}. */
final class ThresholdException extends Exception {
    private static final long serialVersionUID = 1L;

    ThresholdException(String message) {
        super(message);
    }
}
