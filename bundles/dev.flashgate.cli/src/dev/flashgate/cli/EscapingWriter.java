package dev.flashgate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;

import dev.flashgate.core.Printable;

/**
 * A terminal's stream that cannot be steered by what it prints: every character
 * {@link Printable} escapes is written out as an escape, except line breaks and tabs, so a string
 * from a package, a device or a repository that reaches it unescaped still cannot move the cursor,
 * conceal text or reorder it. The command line's own cursor movements go through
 * {@link #control(PrintWriter, String)}.
 */
final class EscapingWriter extends PrintWriter {

    private final PrintWriter raw;

    private EscapingWriter(PrintWriter raw) {
        super(new Filter(raw), true);
        this.raw = raw;
    }

    /** {@code w} made escaping; a writer that escapes already is returned as it is. */
    static PrintWriter of(PrintWriter w) {
        return w instanceof EscapingWriter ? w : new EscapingWriter(w);
    }

    /**
     * One line made of {@code format} and {@code args}, with whatever line breaks the arguments
     * hold escaped: a string from a package or device cannot start a line of its own.
     */
    static void line(PrintWriter w, String format, Object... args) {
        w.println(Printable.line(String.format(format, args)));
    }

    /** The stream under {@code w}, for text of the command line's own that has control sequences (picocli's coloured help). */
    static PrintWriter raw(PrintWriter w) {
        return w instanceof EscapingWriter e ? e.raw : w;
    }

    /** Writes a control sequence of the command line's own (carriage return, cursor movement) as it is. */
    static void control(PrintWriter w, String sequence) {
        w.flush();
        raw(w).print(sequence);
        w.flush();
    }

    private static final class Filter extends Writer {
        private final PrintWriter out;
        private char high; // a high surrogate waiting for its low half

        Filter(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void write(char[] buf, int off, int len) {
            for (int i = off; i < off + len; i++) {
                char c = buf[i];
                if (high != 0) {
                    char h = high;
                    high = 0;
                    if (Character.isLowSurrogate(c)) {
                        emit(Character.toCodePoint(h, c));
                        continue;
                    }
                    emit(h);
                }
                if (Character.isHighSurrogate(c)) {
                    high = c;
                } else {
                    emit(c);
                }
            }
        }

        private void emit(int c) {
            if (c == '\n' || c == '\t' || !Printable.escaped(c)) {
                out.append(Character.toString(c));
            } else {
                out.append(Printable.line(Character.toString(c)));
            }
        }

        @Override
        public void flush() {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
