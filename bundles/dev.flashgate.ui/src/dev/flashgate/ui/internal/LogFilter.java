package dev.flashgate.ui.internal;

import java.util.Locale;

/** Which log entries the Log view shows: at least {@code level}, and containing each non-empty text. */
record LogFilter(LogEntry.Level level, String device, String session, String text) {

    static final LogFilter ALL = new LogFilter(LogEntry.Level.INFO, "", "", "");

    boolean test(LogEntry e) {
        return e.level().compareTo(level) >= 0 && contains(e.device(), device) && contains(e.session(), session)
                && contains(e.message(), text);
    }

    private static boolean contains(String value, String wanted) {
        return wanted.isBlank() || value.toLowerCase(Locale.ROOT).contains(wanted.trim().toLowerCase(Locale.ROOT));
    }
}
