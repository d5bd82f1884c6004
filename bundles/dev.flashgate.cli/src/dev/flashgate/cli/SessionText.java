package dev.flashgate.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.flashgate.core.Printable;
import dev.flashgate.core.session.SessionRecord;
import dev.flashgate.core.session.Transition;
import dev.flashgate.upgrade.SessionStatus;

/** Sessions as a technician reads them, and as JSON. */
final class SessionText {

    static final String[] COLUMNS = {"id", "started", "ended", "state", "lastActive", "code", "detail", "imei", "model",
        "revisionBefore", "version", "versionCode", "securityVersion", "plugin", "package", "condition", "conditionDetail", "station"};

    private SessionText() {
    }

    /** {@code TRANSFERRING  45%  1.2 MiB/s  ETA 0:12}. */
    static String progressLine(SessionStatus s) {
        StringBuilder b = new StringBuilder(String.format("%-16s", s.record().state()));
        if (s.total() > 0) {
            b.append(String.format(" %3d%%", (int) (100 * s.fraction())));
        }
        if (s.bytesPerSecond() > 0) {
            b.append(String.format("  %s/s", size((long) s.bytesPerSecond())));
        }
        if (s.eta() != null) {
            b.append("  ETA ").append(clock(s.eta()));
        }
        return String.format("%-60s", b);
    }

    static String size(long bytes) {
        if (bytes >= 1 << 20) {
            return String.format("%.1f MiB", bytes / (double) (1 << 20));
        }
        return bytes >= 1 << 10 ? String.format("%.1f KiB", bytes / 1024.0) : bytes + " B";
    }

    private static String clock(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
    }

    static void table(PrintWriter w, List<SessionRecord> sessions) {
        if (sessions.isEmpty()) {
            w.println("no sessions journaled");
            return;
        }
        EscapingWriter.line(w, "%-20s %-12s %-16s %-8s %-16s %-16s %-26s %s", "STARTED", "STATE", "REACHED", "MODEL", "IMEI", "FROM", "TO", "OUTCOME");
        for (SessionRecord r : sessions) {
            String outcome = r.code() != null ? r.code().name() : r.condition() != null ? r.condition().kind().name() : "";
            EscapingWriter.line(w, "%-20s %-12s %-16s %-8s %-16s %-16s %-26s %s", r.started().toString().substring(0, 19).replace('T', ' '),
                    r.state(), r.lastActive() == null ? "-" : r.lastActive(), dash(r.model()), dash(r.imei()),
                    dash(r.revisionBefore()), dash(r.version()), outcome);
        }
    }

    /** How a successful session's line starts: {@code SUCCEEDED: MODEL IMEI now runs V (was W}, the caller closes it. */
    static String succeeded(SessionRecord r) {
        return Printable.line("SUCCEEDED: " + r.model() + " " + r.imei() + " now runs " + r.version() + " (was "
                + (r.revisionBefore() != null ? r.revisionBefore() : "in emergency download, its firmware unknown"));
    }

    static void details(PrintWriter w, SessionRecord r, List<Transition> transitions) {
        EscapingWriter.line(w, "session   %s", r.id());
        EscapingWriter.line(w, "package   %s (%s, versionCode %d, security %d, plugin %s)", dash(r.packagePath()), dash(r.version()),
                r.versionCode(), r.securityVersion(), dash(r.plugin()));
        EscapingWriter.line(w, "device    %s IMEI %s, was %s", dash(r.model()), dash(r.imei()), dash(r.revisionBefore()));
        EscapingWriter.line(w, "station   %s", dash(r.station()));
        EscapingWriter.line(w, "outcome   %s%s", r.state(), r.code() == null ? "" : " " + r.code() + ": " + r.detail());
        if (r.condition() != null) {
            EscapingWriter.line(w, "device is %s", r.condition());
        }
        for (Transition t : transitions) {
            EscapingWriter.line(w, "  %d  %s  %s%s%s", t.seq(), t.at(), t.state(), t.code() == null ? "" : "  " + t.code(),
                    t.detail() == null ? "" : "  " + t.detail());
        }
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }

    static ObjectNode json(SessionRecord r, List<String> log) {
        ObjectNode node = ReportJson.MAPPER.createObjectNode();
        String[] values = row(r);
        for (int i = 0; i < COLUMNS.length; i++) {
            node.put(COLUMNS[i], values[i]);
        }
        node.put("versionCode", r.versionCode()).put("securityVersion", r.securityVersion());
        if (r.code() != null) {
            node.set("error", ReportJson.error(r.code(), r.detail()));
        }
        if (log != null) {
            ArrayNode lines = node.putArray("log");
            log.forEach(lines::add);
        }
        return node;
    }

    static ArrayNode json(SessionRecord r, List<Transition> transitions, ArrayNode into) {
        for (Transition t : transitions) {
            into.addObject().put("seq", t.seq()).put("at", t.at().toString()).put("state", t.state().name())
                    .put("code", t.code() == null ? null : t.code().name()).put("detail", t.detail());
        }
        return into;
    }

    /** One session as text cells in {@link #COLUMNS} order, for JSON and CSV. */
    static String[] row(SessionRecord r) {
        return new String[] {r.id(), str(r.started()), str(r.ended()), r.state().name(), str(r.lastActive()), str(r.code()),
            r.detail(), r.imei(), r.model(), r.revisionBefore(), r.version(), String.valueOf(r.versionCode()),
            String.valueOf(r.securityVersion()), r.plugin(), r.packagePath(), r.condition() == null ? null : r.condition().kind().name(),
            r.condition() == null ? null : r.condition().detail(), r.station()};
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
