package dev.flashgate.verify.internal;

import java.text.Normalizer;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.Printable;

/** The package format's rules for entry names and artifact paths. */
public final class EntryNames {

    private EntryNames() {
    }

    /** Throws {@code PKG_BAD_ENTRY_NAME} unless {@code name} is a safe relative path. */
    public static void check(String name) throws FlashgateException {
        String why = problem(name);
        if (why != null) {
            throw new FlashgateException(ErrorCode.PKG_BAD_ENTRY_NAME, "'" + printable(name) + "': " + why);
        }
    }

    /** What is wrong with a name, or {@code null} when it is fine. Directory names end in '/'. */
    public static String problem(String name) {
        if (name.isEmpty()) {
            return "empty name";
        }
        if (name.indexOf('\0') >= 0) {
            return "contains NUL";
        }
        if (name.indexOf('\\') >= 0) {
            return "contains a backslash";
        }
        if (name.startsWith("/")) {
            return "absolute path";
        }
        if (name.length() >= 2 && name.charAt(1) == ':' && Character.isLetter(name.charAt(0))) {
            return "drive letter";
        }
        String path = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty()) {
                return "empty path segment";
            }
            if (segment.equals("..")) {
                return "'..' segment";
            }
            if (segment.equals(".")) {
                return "'.' segment";
            }
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                return "contains a control character";
            }
        }
        return null;
    }

    /**
     * Throws {@code PKG_DUPLICATE_ENTRY} when two names are equal, or equal once case and Unicode
     * normalisation are ignored (they would land on one file on many file systems).
     */
    public static void checkUnique(List<String> names) throws FlashgateException {
        Map<String, String> seen = new HashMap<>();
        for (String name : names) {
            String folded = fold(name);
            String other = seen.putIfAbsent(folded, name);
            if (other != null) {
                throw new FlashgateException(ErrorCode.PKG_DUPLICATE_ENTRY, other.equals(name)
                        ? "'" + printable(name) + "' appears twice"
                        : "'" + printable(other) + "' and '" + printable(name) + "' differ only in case");
            }
        }
    }

    static String fold(String name) {
        String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        return Normalizer.normalize(trimmed, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT).toUpperCase(Locale.ROOT);
    }

    /** A name as a message quotes it: its first 200 characters, escaped as every text from a package is. */
    static String printable(String name) {
        int count = name.codePointCount(0, name.length());
        return Printable.line(count <= 200 ? name : name.substring(0, name.offsetByCodePoints(0, 200)));
    }
}
