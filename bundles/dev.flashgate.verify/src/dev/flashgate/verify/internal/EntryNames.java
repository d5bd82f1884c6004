package dev.flashgate.verify.internal;

import java.text.Normalizer;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.Printable;

/**
 * The package format's rules for entries: what a name may be (entry names and artifact paths
 * alike), which names are one file on the file systems service centres use, and what an entry
 * may be besides its name (a plain file or folder, named only once). The rules are listed in
 * {@code docs/package-format.md}; this class is the only place that enforces them.
 */
public final class EntryNames {

    /** Names Windows reserves for devices, with or without an extension ({@code nul.txt} too). */
    private static final Set<String> WINDOWS_DEVICES = Set.of("CON", "PRN", "AUX", "NUL",
            "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "COM\u00B9", "COM\u00B2", "COM\u00B3",
            "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT\u00B9", "LPT\u00B2", "LPT\u00B3");
    private static final String WINDOWS_FORBIDDEN = "<>:\"|?*";

    private static final int UNIX_HOST = 3;
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFLNK = 0120000;
    private static final int DOS_DIRECTORY = 0x10;

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
        for (int i = 0; i < name.length(); ) {
            int c = name.codePointAt(i);
            if (Character.isISOControl(c)) {
                return "contains a control character";
            }
            if (invisible(c)) {
                return "contains an invisible character (" + String.format("U+%04X", c) + ")";
            }
            if (WINDOWS_FORBIDDEN.indexOf(c) >= 0) {
                return "contains '" + (char) c + "', which Windows does not allow in a name";
            }
            i += Character.charCount(c);
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
            if (segment.endsWith(".") || segment.endsWith(" ")) {
                return "'" + segment + "' ends in a dot or space, which Windows drops (another name for '"
                        + segment.replaceAll("[. ]+$", "") + "')";
            }
            int dot = segment.indexOf('.');
            if (WINDOWS_DEVICES.contains((dot < 0 ? segment : segment.substring(0, dot)).toUpperCase(Locale.ROOT))) {
                return "'" + segment + "' is a device name on Windows";
            }
        }
        return null;
    }

    /**
     * Characters that show as nothing: format characters (zero-width space and joiners, bidi
     * controls, the byte-order mark, tags), variation selectors, the combining grapheme joiner,
     * fillers. Two names that differ only by them look the same to a technician.
     */
    private static boolean invisible(int c) {
        return Character.getType(c) == Character.FORMAT
                || c == 0x034F || c == 0x115F || c == 0x1160 || c == 0x3164 || c == 0xFFA0
                || c >= 0x180B && c <= 0x180F || c >= 0xFE00 && c <= 0xFE0F || c >= 0xE0100 && c <= 0xE01EF;
    }

    /**
     * Throws {@code PKG_DUPLICATE_ENTRY} when two names are one file or folder on the file systems
     * service centres use: equal, equal once case and Unicode compatibility forms are folded, or a
     * file with the name of a folder another name needs.
     */
    public static void checkUnique(List<String> names) throws FlashgateException {
        Map<String, String> entries = new HashMap<>();
        Map<String, String> files = new HashMap<>();
        Map<String, String> folders = new HashMap<>();
        for (String name : names) {
            String folded = fold(name);
            String other = entries.putIfAbsent(name.endsWith("/") ? folded + "/" : folded, name);
            if (other != null) {
                throw new FlashgateException(ErrorCode.PKG_DUPLICATE_ENTRY, other.equals(name)
                        ? "'" + printable(name) + "' appears twice"
                        : "'" + printable(other) + "' and '" + printable(name) + "' differ only in case or Unicode form");
            }
            if (!name.endsWith("/")) {
                files.put(folded, name);
            }
            for (int slash = name.indexOf('/'); slash >= 0; slash = name.indexOf('/', slash + 1)) {
                folders.putIfAbsent(fold(name.substring(0, slash)), name);
            }
        }
        for (Map.Entry<String, String> file : files.entrySet()) {
            String inside = folders.get(file.getKey());
            if (inside != null) {
                throw new FlashgateException(ErrorCode.PKG_DUPLICATE_ENTRY, "'" + printable(file.getValue())
                        + "' is a file, and a folder for '" + printable(inside) + "'");
            }
        }
    }

    /**
     * Throws {@code PKG_BAD_ENTRY_NAME} unless an entry is what its name says: a plain file, or a
     * folder when its name ends in '/'. {@code host} is the "made by" system of the central
     * directory, {@code attributes} its external attributes (a Unix mode in the upper half when
     * made on Unix; DOS attributes in the lowest byte).
     */
    public static void checkType(String name, int host, long attributes) throws FlashgateException {
        boolean folder = name.endsWith("/");
        String why = null;
        int type = (int) (attributes >>> 16) & S_IFMT;
        if (host == UNIX_HOST && type != 0 && type != S_IFREG && type != S_IFDIR) {
            why = type == S_IFLNK ? "is a symbolic link" : "is a special file (mode " + Integer.toOctalString(type) + ")";
        } else if (host == UNIX_HOST && type == S_IFDIR && !folder || (attributes & DOS_DIRECTORY) != 0 && !folder) {
            why = "is a folder, but its name does not end in '/'";
        } else if (host == UNIX_HOST && type == S_IFREG && folder) {
            why = "is a file, but its name ends in '/'";
        }
        if (why != null) {
            throw new FlashgateException(ErrorCode.PKG_BAD_ENTRY_NAME, "'" + printable(name) + "' " + why);
        }
    }

    /**
     * Throws {@code PKG_BAD_ENTRY_NAME} when an entry's Info-ZIP Unicode path field (0x7075), which
     * unzip lists and extracts instead of the name, gives another name than the entry's.
     */
    public static void checkUnicodePath(String name, String unicodePath) throws FlashgateException {
        if (unicodePath == null || !unicodePath.equals(name)) {
            throw new FlashgateException(ErrorCode.PKG_BAD_ENTRY_NAME, "'" + printable(name) + "' carries a Unicode path field "
                    + (unicodePath == null ? "that is not valid UTF-8" : "naming '" + printable(unicodePath) + "'")
                    + ", which unzip would show and extract instead");
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
