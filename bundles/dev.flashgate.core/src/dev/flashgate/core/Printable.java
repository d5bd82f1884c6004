package dev.flashgate.core;

import java.util.List;

/**
 * Text from a package, a device or a repository as it may be shown to a person: every character
 * that a terminal or a widget would act on instead of showing is written out as an escape. That
 * covers control characters (line breaks, carriage return, escape sequences, NUL, DEL, C1), and
 * the invisible format characters that reorder or hide text (bidirectional overrides and
 * isolates, zero-width characters, byte order marks). A vendor's notes can then neither draw a
 * forged verdict nor hide the real one.
 */
public final class Printable {

    private Printable() {
    }

    /** {@code text} on one line, escaped; {@code null} stays {@code null}. */
    public static String line(String text) {
        if (text == null || text.codePoints().noneMatch(Printable::escaped)) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length() + 16);
        text.codePoints().forEach(c -> {
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (!escaped(c)) {
                        b.appendCodePoint(c);
                    } else if (c < 0x100) {
                        b.append(String.format("\\x%02x", c));
                    } else {
                        b.append(String.format("\\u%04x", c));
                    }
                }
            }
        });
        return b.toString();
    }

    /** Multi-line {@code text} (notes), a line per line it holds, each escaped like {@link #line}. */
    public static List<String> lines(String text) {
        return text == null ? List.of() : text.lines().map(Printable::line).toList();
    }

    /** Whether {@code c} is shown escaped. */
    public static boolean escaped(int c) {
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE -> true;
            default -> false;
        };
    }
}
