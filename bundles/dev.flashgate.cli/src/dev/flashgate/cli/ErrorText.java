package dev.flashgate.cli;

import java.io.PrintWriter;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.Printable;

/** How an error is shown to a technician: {@code CODE: detail}, then symptom, cause and resolution. */
final class ErrorText {

    private ErrorText() {
    }

    static void print(PrintWriter w, ErrorCode code, String detail) {
        w.println(code.name() + ": " + Printable.line(detail));
        explain(w, code);
    }

    static void explain(PrintWriter w, ErrorCode code) {
        w.println("  Symptom:    " + code.symptom());
        w.println("  Cause:      " + code.cause());
        w.println("  Resolution: " + code.resolution());
    }
}
