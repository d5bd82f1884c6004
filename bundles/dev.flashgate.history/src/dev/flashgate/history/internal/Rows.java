package dev.flashgate.history.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.session.DeviceCondition;
import dev.flashgate.core.session.SessionRecord;
import dev.flashgate.core.session.SessionState;
import dev.flashgate.core.session.Transition;

/** Maps sessions and transitions to rows and back. */
final class Rows {

    static final String COLUMNS = "id, started, ended, station, package_path, vendor, version, version_code, security_version, "
            + "plugin, device_id, imei, model, revision_before, session_state, last_active, code, detail, condition_kind, "
            + "condition_detail";
    static final String SELECT = "SELECT " + COLUMNS + " FROM fg_session";

    private Rows() {
    }

    static void upsert(Connection c, SessionRecord s) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE fg_session SET started = ?, ended = ?, station = ?, "
                + "package_path = ?, vendor = ?, version = ?, version_code = ?, security_version = ?, plugin = ?, device_id = ?, "
                + "imei = ?, model = ?, revision_before = ?, session_state = ?, last_active = ?, code = ?, detail = ?, "
                + "condition_kind = ?, condition_detail = ? WHERE id = ?")) {
            bind(update, s, 1);
            update.setString(20, s.id());
            if (update.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO fg_session (started, ended, station, package_path, "
                + "vendor, version, version_code, security_version, plugin, device_id, imei, model, revision_before, "
                + "session_state, last_active, code, detail, condition_kind, condition_detail, id) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            bind(insert, s, 1);
            insert.setString(20, s.id());
            insert.executeUpdate();
        }
    }

    private static void bind(PreparedStatement p, SessionRecord s, int first) throws SQLException {
        int i = first;
        p.setObject(i++, JdbcJournal.time(s.started()));
        p.setObject(i++, JdbcJournal.time(s.ended()), Types.TIMESTAMP_WITH_TIMEZONE);
        p.setString(i++, s.station());
        p.setString(i++, s.packagePath());
        p.setString(i++, s.vendor());
        p.setString(i++, s.version());
        p.setLong(i++, s.versionCode());
        p.setLong(i++, s.securityVersion());
        p.setString(i++, s.plugin());
        p.setString(i++, s.deviceId());
        p.setString(i++, s.imei());
        p.setString(i++, s.model());
        p.setString(i++, s.revisionBefore());
        p.setString(i++, s.state().name());
        p.setString(i++, s.lastActive() == null ? null : s.lastActive().name());
        p.setString(i++, s.code() == null ? null : s.code().name());
        p.setString(i++, clip(s.detail()));
        p.setString(i++, s.condition() == null ? null : s.condition().kind().name());
        p.setString(i, s.condition() == null ? null : clip(s.condition().detail()));
    }

    static void insert(Connection c, String sessionId, Transition t) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO fg_transition (session_id, seq, entered, session_state, code, detail) VALUES (?, ?, ?, ?, ?, ?)")) {
            p.setString(1, sessionId);
            p.setInt(2, t.seq());
            p.setObject(3, JdbcJournal.time(t.at()));
            p.setString(4, t.state().name());
            p.setString(5, t.code() == null ? null : t.code().name());
            p.setString(6, clip(t.detail()));
            p.executeUpdate();
        }
    }

    static List<SessionRecord> sessions(Connection c, String imei, int limit) throws SQLException {
        String sql = SELECT + (imei == null ? "" : " WHERE imei = ?") + " ORDER BY started DESC LIMIT " + Math.max(1, limit);
        try (PreparedStatement p = c.prepareStatement(sql)) {
            if (imei != null) {
                p.setString(1, imei);
            }
            List<SessionRecord> out = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(session(rs));
                }
            }
            return out;
        }
    }

    static Optional<SessionRecord> session(Connection c, String id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(SELECT + " WHERE id = ?")) {
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(session(rs)) : Optional.empty();
            }
        }
    }

    static SessionRecord session(ResultSet rs) throws SQLException {
        String kind = rs.getString("condition_kind");
        return new SessionRecord(rs.getString("id"), instant(rs, "started"), instant(rs, "ended"), rs.getString("station"),
                rs.getString("package_path"), rs.getString("vendor"), rs.getString("version"), rs.getLong("version_code"),
                rs.getLong("security_version"), rs.getString("plugin"), rs.getString("device_id"), rs.getString("imei"),
                rs.getString("model"), rs.getString("revision_before"), SessionState.valueOf(rs.getString("session_state")),
                state(rs.getString("last_active")), code(rs.getString("code")), rs.getString("detail"),
                kind == null ? null : new DeviceCondition(DeviceCondition.Kind.valueOf(kind), rs.getString("condition_detail")));
    }

    static List<Transition> transitions(Connection c, String sessionId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "SELECT seq, entered, session_state, code, detail FROM fg_transition WHERE session_id = ? ORDER BY seq")) {
            p.setString(1, sessionId);
            List<Transition> out = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new Transition(rs.getInt("seq"), instant(rs, "entered"), SessionState.valueOf(rs.getString("session_state")),
                            code(rs.getString("code")), rs.getString("detail")));
                }
            }
            return out;
        }
    }

    static OptionalLong longValue(Connection c, String sql, String parameter) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, parameter);
            try (ResultSet rs = p.executeQuery()) {
                if (rs.next()) {
                    long v = rs.getLong(1);
                    return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
                }
                return OptionalLong.empty();
            }
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static SessionState state(String name) {
        return name == null ? null : SessionState.valueOf(name);
    }

    /** Codes are stable, but a journal shared with a newer station may hold one this one does not know. */
    private static ErrorCode code(String name) {
        if (name == null) {
            return null;
        }
        try {
            return ErrorCode.valueOf(name);
        } catch (IllegalArgumentException e) {
            return ErrorCode.INTERNAL;
        }
    }

    private static String clip(String text) {
        return text == null || text.length() <= 4000 ? text : text.substring(0, 4000);
    }
}
