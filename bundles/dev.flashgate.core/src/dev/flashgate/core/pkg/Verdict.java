package dev.flashgate.core.pkg;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;

/** Whether a package may go on towards a device. */
public sealed interface Verdict {

    boolean verified();

    /** Container, signature, trust, manifest and every artifact checked out. */
    record Verified() implements Verdict {
        @Override
        public boolean verified() {
            return true;
        }
    }

    /** The first rule the package broke. */
    record Rejected(ErrorCode code, String detail) implements Verdict {
        public static Rejected of(FlashgateException e) {
            return new Rejected(e.code(), e.detail());
        }

        @Override
        public boolean verified() {
            return false;
        }
    }
}
