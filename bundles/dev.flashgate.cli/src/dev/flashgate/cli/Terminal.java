package dev.flashgate.cli;

import java.io.Console;
import java.io.PrintWriter;

/**
 * Where a command writes: results to {@code out}, diagnostics and progress to {@code err}. Both
 * escape control and format characters whatever is printed on them ({@link EscapingWriter}).
 */
public record Terminal(PrintWriter out, PrintWriter err, boolean interactive) {

    public Terminal {
        out = EscapingWriter.of(out);
        err = EscapingWriter.of(err);
    }

    /** The process's own streams; progress is drawn only when they are a terminal. */
    public static Terminal system() {
        return new Terminal(new PrintWriter(System.out, true), new PrintWriter(System.err, true), isTerminal(System.console()));
    }

    /**
     * Up to Java 21 a console exists only on a terminal; from Java 22 it always exists and
     * {@code isTerminal()} tells (looked up reflectively, as bundles compile for Java 21).
     */
    private static boolean isTerminal(Console console) {
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    public void flush() {
        out.flush();
        err.flush();
    }
}
