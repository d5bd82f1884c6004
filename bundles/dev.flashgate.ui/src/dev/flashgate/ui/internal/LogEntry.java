package dev.flashgate.ui.internal;

import java.time.Instant;
import java.util.Locale;

import org.osgi.service.event.Event;

import dev.flashgate.core.Topics;

/**
 * One line of the structured log, made from a Flashgate event: when, how serious, which device and
 * session it concerns (either may be empty), and what happened.
 */
record LogEntry(Instant time, Level level, String device, String session, String message) {

    enum Level {
        INFO, WARN, ERROR
    }

    /** The entry for {@code event}, or {@code null} for events the log leaves out (transfer progress). */
    static LogEntry of(Event event, Instant now) {
        String topic = event.getTopic();
        if (!topic.startsWith(Topics.PREFIX) || topic.equals(Topics.SESSION_PROGRESS)) {
            return null;
        }
        String device = text(event, Topics.KEY_IMEI);
        if (device.isEmpty()) {
            device = text(event, Topics.KEY_DEVICE);
        }
        String session = text(event, Topics.KEY_SESSION);
        String code = text(event, Topics.KEY_CODE);
        String detail = text(event, Topics.KEY_DETAIL);
        String what = topic.substring(Topics.PREFIX.length()).toLowerCase(Locale.ROOT); // e.g. session/failed
        Level level = code.isEmpty() ? Level.INFO : topic.endsWith("/CANCELLED") ? Level.WARN : Level.ERROR;
        String message;
        if (topic.equals(Topics.SESSION_LOG)) {
            message = text(event, Topics.KEY_MESSAGE);
        } else if (topic.startsWith(Topics.PREFIX + "device/")) {
            message = what + " " + text(event, Topics.KEY_MODEL) + " on " + text(event, Topics.KEY_PORTS);
        } else if (topic.startsWith(Topics.PREFIX + "plugin/")) {
            message = what + " " + text(event, Topics.KEY_PLUGIN) + " " + text(event, Topics.KEY_VERSION)
                    + (code.isEmpty() ? "" : ": " + code);
        } else if (topic.startsWith(Topics.PREFIX + "package/")) {
            message = what + " " + text(event, Topics.KEY_PACKAGE) + (code.isEmpty() ? "" : ": " + code);
        } else {
            message = what + (code.isEmpty() ? "" : ": " + code) + (detail.isEmpty() ? "" : " (" + detail + ")");
        }
        return new LogEntry(now, level, device, session, message.trim());
    }

    private static String text(Event event, String key) {
        Object v = event.getProperty(key);
        if (v instanceof Object[] array) {
            return String.join(", ", java.util.Arrays.stream(array).map(String::valueOf).toList());
        }
        return v == null ? "" : String.valueOf(v);
    }

    /** The entry as one tab-separated line: time, level, device, session, message. */
    String line() {
        return time + "\t" + level + "\t" + device + "\t" + session + "\t" + message.replace('\n', ' ');
    }
}
