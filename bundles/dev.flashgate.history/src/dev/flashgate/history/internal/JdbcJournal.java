package dev.flashgate.history.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.FieldOption;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.jdbc.DataSourceFactory;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.FlashgateHome;
import dev.flashgate.core.session.DeviceCondition;
import dev.flashgate.core.session.SessionJournal;
import dev.flashgate.core.session.SessionRecord;
import dev.flashgate.core.session.SessionState;
import dev.flashgate.core.session.Station;
import dev.flashgate.core.session.Transition;

/**
 * The session journal in a relational database: embedded H2 under Flashgate's home by default
 * (mixed mode, so the workbench and a command line share it), or any JDBC URL in the framework
 * property {@value #URL_PROPERTY} whose driver is installed as an OSGi JDBC service (e.g.
 * PostgreSQL for a service centre). Every write is one committed transaction. At start, sessions
 * of this host whose process is gone are closed as {@code INTERRUPTED} with the state they reached.
 */
@Component(service = SessionJournal.class)
public final class JdbcJournal implements SessionJournal {

    public static final String URL_PROPERTY = "flashgate.history.url";
    public static final String USER_PROPERTY = "flashgate.history.user";
    public static final String PASSWORD_PROPERTY = "flashgate.history.password";
    /**
     * H2's "Database may be already in use" and "Error opening database" (its lock file was just
     * touched): another process is opening it in mixed mode right now.
     */
    private static final java.util.Set<Integer> H2_BUSY = java.util.Set.of(90020, 8000);
    private static final java.time.Duration OPEN_PATIENCE = java.time.Duration.ofSeconds(20);
    /** The password is better kept out of command lines: the launcher's environment can carry it. */
    public static final String PASSWORD_ENVIRONMENT = "FLASHGATE_HISTORY_PASSWORD";

    private final String url;
    private final Properties credentials = new Properties();
    private final Path home;
    private final Clock clock = Clock.tick(Clock.systemUTC(), java.time.Duration.ofMillis(1));
    private Connection connection;
    /** Whether the tables exist and interrupted sessions were closed; done on first use. */
    private boolean prepared;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, fieldOption = FieldOption.UPDATE)
    private final List<DataSourceFactory> drivers = new CopyOnWriteArrayList<>();

    @Activate
    public JdbcJournal(BundleContext context) {
        this(FlashgateHome.resolve(context.getProperty(FlashgateHome.PROPERTY)), context.getProperty(URL_PROPERTY),
                context.getProperty(USER_PROPERTY), context.getProperty(PASSWORD_PROPERTY) != null
                        ? context.getProperty(PASSWORD_PROPERTY) : System.getenv(PASSWORD_ENVIRONMENT));
    }

    /** A journal at {@code url}, or in H2 under {@code home} when {@code url} is null or blank. */
    public JdbcJournal(Path home, String url, String user, String password) {
        this.home = home;
        this.url = url == null || url.isBlank() ? defaultUrl(home) : url;
        if (user != null) {
            credentials.setProperty("user", user);
        }
        if (password != null) {
            credentials.setProperty("password", password);
        }
    }

    static String defaultUrl(Path home) {
        Path file = home.resolve("history").resolve("journal").toAbsolutePath();
        return "jdbc:h2:file:" + file + ";AUTO_SERVER=TRUE;AUTO_RECONNECT=TRUE";
    }

    public String url() {
        return url;
    }

    @Deactivate
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // the database is going away with us
            }
            connection = null;
        }
    }

    @Override
    public synchronized void write(SessionRecord s, Transition t) throws FlashgateException {
        run(c -> {
            Rows.upsert(c, s);
            Rows.insert(c, s.id(), t);
            return null;
        });
    }

    @Override
    public synchronized List<SessionRecord> sessions(String imei, int limit) throws FlashgateException {
        return run(c -> Rows.sessions(c, imei, limit));
    }

    @Override
    public synchronized Optional<SessionRecord> session(String id) throws FlashgateException {
        return run(c -> Rows.session(c, id));
    }

    @Override
    public synchronized List<Transition> transitions(String sessionId) throws FlashgateException {
        return run(c -> Rows.transitions(c, sessionId));
    }

    @Override
    public synchronized OptionalLong installedSecurityVersion(String imei) throws FlashgateException {
        return run(c -> Rows.longValue(c, "SELECT MAX(security_version) FROM fg_session WHERE imei = ? AND session_state = 'SUCCEEDED'",
                imei));
    }

    @Override
    public synchronized OptionalLong versionCodeOf(String version) throws FlashgateException {
        return run(c -> Rows.longValue(c, "SELECT version_code FROM fg_session WHERE version = ? AND session_state = 'SUCCEEDED' "
                + "ORDER BY ended DESC LIMIT 1", version));
    }

    @Override
    public synchronized void alias(String alias, String imei, String model) throws FlashgateException {
        run(c -> upsert(c, "UPDATE fg_alias SET imei = ?, model = ?, bound = ? WHERE alias = ?",
                "INSERT INTO fg_alias (imei, model, bound, alias) VALUES (?, ?, ?, ?)", imei, model, time(clock.instant()), alias));
    }

    @Override
    public synchronized Optional<DeviceAlias> alias(String alias) throws FlashgateException {
        return run(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT imei, model, bound FROM fg_alias WHERE alias = ?")) {
                q.setString(1, alias);
                try (ResultSet rs = q.executeQuery()) {
                    return rs.next() ? Optional.of(new DeviceAlias(alias, rs.getString(1), rs.getString(2),
                            rs.getObject(3, OffsetDateTime.class).toInstant())) : Optional.<DeviceAlias>empty();
                }
            }
        });
    }

    @Override
    public synchronized void fact(String imei, String name, String value) throws FlashgateException {
        run(c -> upsert(c, "UPDATE fg_fact SET fact_value = ?, recorded = ? WHERE imei = ? AND name = ?",
                "INSERT INTO fg_fact (fact_value, recorded, imei, name) VALUES (?, ?, ?, ?)", value, time(clock.instant()), imei, name));
    }

    @Override
    public synchronized void backup(Backup b) throws FlashgateException {
        run(c -> upsert(c, "UPDATE fg_backup SET imei = ?, sha256 = ?, bytes = ?, taken = ? WHERE session_id = ? AND name = ?",
                "INSERT INTO fg_backup (imei, sha256, bytes, taken, session_id, name) VALUES (?, ?, ?, ?, ?, ?)",
                b.imei(), b.sha256(), b.bytes(), time(b.taken()), b.sessionId(), b.name()));
    }

    @Override
    public synchronized List<Backup> backups(String imei) throws FlashgateException {
        return run(c -> {
            List<Backup> found = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("SELECT session_id, name, sha256, bytes, taken FROM fg_backup "
                    + "WHERE imei = ? ORDER BY taken DESC, name")) {
                q.setString(1, imei);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        found.add(new Backup(rs.getString(1), imei, rs.getString(2), rs.getString(3), rs.getLong(4),
                                rs.getObject(5, OffsetDateTime.class).toInstant()));
                    }
                }
            }
            return List.copyOf(found);
        });
    }

    /**
     * Updates the row, or inserts it when there is none (SQL that H2 and PostgreSQL both take);
     * both statements take {@code values} in the same order.
     */
    private static Void upsert(Connection c, String update, String insert, Object... values) throws SQLException {
        try (PreparedStatement u = c.prepareStatement(update)) {
            bind(u, values);
            if (u.executeUpdate() == 1) {
                return null;
            }
        }
        try (PreparedStatement in = c.prepareStatement(insert)) {
            bind(in, values);
            in.executeUpdate();
        }
        return null;
    }

    private static void bind(PreparedStatement statement, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                statement.setNull(i + 1, Types.VARCHAR);
            } else {
                statement.setObject(i + 1, values[i]);
            }
        }
    }

    @Override
    public synchronized Map<String, String> facts(String imei) throws FlashgateException {
        return run(c -> {
            Map<String, String> facts = new TreeMap<>();
            try (PreparedStatement q = c.prepareStatement("SELECT name, fact_value FROM fg_fact WHERE imei = ?")) {
                q.setString(1, imei);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        facts.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            return Map.copyOf(facts);
        });
    }

    /** Sessions of this host whose process ended without an outcome: the process was killed or crashed. */
    private void closeInterrupted(Connection c) throws SQLException {
        List<SessionRecord> open = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement(Rows.SELECT + " WHERE session_state NOT IN "
                + "('SUCCEEDED', 'FAILED', 'CANCELLED', 'INTERRUPTED')")) {
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    open.add(Rows.session(rs));
                }
            }
        }
        for (SessionRecord s : open) {
            Optional<Station> station = Station.parse(s.station());
            if (station.isEmpty() || !station.get().isThisHost() || station.get().isAliveHere()) {
                continue;
            }
            SessionState reached = s.lastActive() != null ? s.lastActive() : s.state();
            DeviceCondition condition = reached.touchesDevice()
                    ? new DeviceCondition(DeviceCondition.Kind.UNKNOWN, "the station stopped while the device was in " + reached
                            + "; reconnect the device and run the session again")
                    : DeviceCondition.untouched("nothing was sent to the device");
            SessionRecord closed = s.withOutcome(null, "the process running the session (" + s.station() + ") ended in " + reached,
                    condition).enter(SessionState.INTERRUPTED, clock.instant());
            int seq = Rows.transitions(c, s.id()).size() + 1;
            Rows.upsert(c, closed);
            Rows.insert(c, s.id(), new Transition(seq, clock.instant(), SessionState.INTERRUPTED, null, closed.detail()));
            c.commit();
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T on(Connection c) throws SQLException;
    }

    /** Runs in one transaction; a broken connection is replaced once (the database owner may have moved). */
    private <T> T run(Work<T> work) throws FlashgateException {
        SQLException last = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                Connection c = connection();
                try {
                    T result = work.on(c);
                    c.commit();
                    return result;
                } catch (SQLException e) {
                    rollbackQuietly(c);
                    throw e;
                }
            } catch (SQLException e) {
                last = e;
                close();
            }
        }
        throw failure(last);
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = connect();
            connection.setAutoCommit(false);
        }
        if (!prepared) {
            Schema.create(connection);
            closeInterrupted(connection);
            prepared = true;
        }
        return connection;
    }

    /**
     * Connects, waiting while another process holds the embedded database as it starts serving it
     * to the others (several stations' command lines starting at once), at most {@link #OPEN_PATIENCE}.
     */
    private Connection connect() throws SQLException {
        long deadline = System.nanoTime() + OPEN_PATIENCE.toNanos();
        Driver driver = driver();
        for (int attempt = 0;; attempt++) {
            try {
                Connection c = driver.connect(url, credentials);
                if (c == null) {
                    throw new NoDriver("the driver does not accept " + redacted(url));
                }
                return c;
            } catch (SQLException e) {
                if (e instanceof NoDriver || !H2_BUSY.contains(e.getErrorCode()) || System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(50L + ThreadLocalRandom.current().nextLong(50L << Math.min(attempt, 4)));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private Driver driver() throws SQLException {
        if (url.startsWith("jdbc:h2:")) {
            return new org.h2.Driver();
        }
        for (DataSourceFactory factory : drivers) {
            Driver d = factory.createDriver(null);
            if (d.acceptsURL(url)) {
                return d;
            }
        }
        throw new NoDriver("no JDBC driver for " + redacted(url) + " is installed; install the driver bundle (it registers an "
                + "org.osgi.service.jdbc.DataSourceFactory) or correct " + URL_PROPERTY);
    }

    /** The URL names a database no installed driver speaks: a setting to correct, not a bug. */
    private static final class NoDriver extends SQLException {
        private static final long serialVersionUID = 1L;

        NoDriver(String message) {
            super(message);
        }
    }

    private FlashgateException failure(SQLException e) {
        if (e instanceof NoDriver) {
            return new FlashgateException(ErrorCode.USAGE, "journal: " + e.getMessage(), e);
        }
        try {
            Files.createDirectories(home);
            if (Files.getFileStore(home).getUsableSpace() < (1L << 20)) {
                return new FlashgateException(ErrorCode.HOST_DISK_FULL, "the journal cannot be written: " + redacted(String.valueOf(e.getMessage())), e);
            }
        } catch (IOException ignored) {
            // fall through to the database's own message
        }
        return new FlashgateException(ErrorCode.INTERNAL, "journal " + redacted(url) + ": " + redacted(String.valueOf(e.getMessage())), e);
    }

    private static String redacted(String url) {
        return url.replaceAll("(?i)(password=)[^;&\\s]*", "$1***");
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            // the connection is replaced next
        }
    }

    static OffsetDateTime time(java.time.Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
