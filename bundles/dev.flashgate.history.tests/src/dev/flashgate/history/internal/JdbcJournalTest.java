package dev.flashgate.history.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.session.DeviceCondition;
import dev.flashgate.core.session.SessionRecord;
import dev.flashgate.core.session.SessionState;
import dev.flashgate.core.session.Station;
import dev.flashgate.core.session.Transition;

/** The journal on embedded H2, as sessions write it and a restarted station reads it. */
class JdbcJournalTest {

    @TempDir
    Path home;

    private static final String IMEI = "869204001234567";

    private static SessionRecord session(Station station) {
        return new SessionRecord(UUID.randomUUID().toString(), Instant.now().truncatedTo(ChronoUnit.MILLIS), null, station.toString(),
                "/pkg/a.fgp", null, null, -1, -1, null, "imei:" + IMEI, null, null, null, SessionState.PENDING, null, null, null, null);
    }

    /** Writes the states in order, the record following each, as the engine does. */
    private static SessionRecord walk(JdbcJournal journal, SessionRecord r, SessionState... states) throws Exception {
        int seq = journal.transitions(r.id()).size();
        SessionRecord now = r;
        for (SessionState s : states) {
            now = now.enter(s, Instant.now().truncatedTo(ChronoUnit.MILLIS));
            journal.write(now, new Transition(++seq, now.ended() != null ? now.ended() : Instant.now(), s, null, null));
        }
        return now;
    }

    @Test
    void sessionsAndTransitionsSurviveAReopenExactly() throws Exception {
        JdbcJournal journal = new JdbcJournal(home, null, null, null);
        SessionRecord r = walk(journal, session(Station.current()).withPackage("V", "FG_A02", 2, 3, "at-ymodem")
                .withDevice("imei:" + IMEI, IMEI, "HS920S", "FG_A01"), SessionState.PENDING, SessionState.VERIFYING);
        SessionRecord failed = r.withOutcome(ErrorCode.DEVICE_NAK, "refused", DeviceCondition.untouched("runs FG_A01"))
                .enter(SessionState.FAILED, Instant.now().truncatedTo(ChronoUnit.MILLIS));
        journal.write(failed, new Transition(3, failed.ended(), SessionState.FAILED, ErrorCode.DEVICE_NAK, "refused"));
        journal.close();

        JdbcJournal reopened = new JdbcJournal(home, null, null, null);
        assertEquals(failed, reopened.session(r.id()).orElseThrow());
        assertEquals(List.of(SessionState.PENDING, SessionState.VERIFYING, SessionState.FAILED),
                reopened.transitions(r.id()).stream().map(Transition::state).toList());
        assertEquals(List.of(failed), reopened.sessions(IMEI, 10));
        assertEquals(List.of(), reopened.sessions("000000000000000", 10));
        reopened.close();
    }

    @Test
    void aSessionWhoseProcessDiedIsClosedAsInterruptedAtTheStateItReached() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Station dead = new Station(Station.current().host(), gone.pid(), gone.info().startInstant().map(Instant::toEpochMilli).orElse(1L));
        JdbcJournal journal = new JdbcJournal(home, null, null, null);
        SessionRecord cut = walk(journal, session(dead), SessionState.PENDING, SessionState.VERIFYING, SessionState.PREFLIGHT,
                SessionState.PREPARING, SessionState.TRANSFERRING);
        SessionRecord alive = walk(journal, session(Station.current()), SessionState.PENDING, SessionState.VERIFYING);
        journal.close();

        JdbcJournal restarted = new JdbcJournal(home, null, null, null);
        SessionRecord interrupted = restarted.session(cut.id()).orElseThrow();
        assertEquals(SessionState.INTERRUPTED, interrupted.state());
        assertEquals(SessionState.TRANSFERRING, interrupted.lastActive());
        assertEquals(DeviceCondition.Kind.UNKNOWN, interrupted.condition().kind());
        assertTrue(interrupted.detail().contains("TRANSFERRING"), interrupted.detail());
        List<Transition> t = restarted.transitions(cut.id());
        assertEquals(SessionState.INTERRUPTED, t.get(t.size() - 1).state());
        assertEquals(6, t.size());
        assertEquals(SessionState.VERIFYING, restarted.session(alive.id()).orElseThrow().state(), "a live process's session stays open");
        restarted.close();
    }

    @Test
    void versionFactsComeOnlyFromSucceededSessions() throws Exception {
        JdbcJournal journal = new JdbcJournal(home, null, null, null);
        assertEquals(OptionalLong.empty(), journal.installedSecurityVersion(IMEI));
        SessionRecord ok = session(Station.current()).withPackage("V", "FG_A02", 20, 3, "at-ymodem").withDevice("imei:" + IMEI, IMEI,
                "HS920S", "FG_A01");
        walk(journal, ok.withOutcome(null, null, new DeviceCondition(DeviceCondition.Kind.UPDATED, "runs FG_A02")),
                SessionState.PENDING, SessionState.SUCCEEDED);
        SessionRecord failed = session(Station.current()).withPackage("V", "FG_A03", 30, 7, "at-ymodem").withDevice("imei:" + IMEI,
                IMEI, "HS920S", "FG_A02");
        walk(journal, failed, SessionState.PENDING, SessionState.FAILED);
        assertEquals(OptionalLong.of(3), journal.installedSecurityVersion(IMEI));
        assertEquals(OptionalLong.of(20), journal.versionCodeOf("FG_A02"));
        assertEquals(OptionalLong.empty(), journal.versionCodeOf("FG_A03"));
        journal.close();
    }

    @Test
    void anAliasRemembersWhoADeviceInAnotherModeIs() throws Exception {
        JdbcJournal journal = new JdbcJournal(home, null, null, null);
        String edl = "port:usb-Qualcomm_QHSUSB__BULK_S1-if00-port0";
        assertTrue(journal.alias(edl).isEmpty());
        journal.alias(edl, IMEI, "MF833S");
        journal.alias(edl, IMEI, "MF833V");
        journal.close();
        JdbcJournal reopened = new JdbcJournal(home, null, null, null);
        var alias = reopened.alias(edl).orElseThrow();
        assertEquals(IMEI, alias.imei());
        assertEquals("MF833V", alias.model(), "the newest binding wins");
        reopened.close();
    }

    @Test
    void factsOfADeviceAreKeptByNameAndReplaced() throws Exception {
        JdbcJournal journal = new JdbcJournal(home, null, null, null);
        assertEquals(java.util.Map.of(), journal.facts(IMEI));
        journal.fact(IMEI, "qualcomm.chipSerial", "1234abcd");
        journal.fact(IMEI, "qualcomm.msmHwId", "0004a0e100040000");
        journal.fact(IMEI, "qualcomm.chipSerial", "5678ef01");
        journal.fact("869999999999999", "qualcomm.chipSerial", "00000001");
        journal.close();
        JdbcJournal reopened = new JdbcJournal(home, null, null, null);
        assertEquals(java.util.Map.of("qualcomm.chipSerial", "5678ef01", "qualcomm.msmHwId", "0004a0e100040000"),
                reopened.facts(IMEI));
        reopened.close();
    }

    @Test
    void anUnknownJdbcUrlIsAClearError() {
        JdbcJournal journal = new JdbcJournal(home, "jdbc:nosuchdb://localhost/x?password=secret", null, null);
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.flashgate.core.FlashgateException.class,
                () -> journal.sessions(null, 1));
        assertEquals(ErrorCode.USAGE, e.code());
        assertTrue(e.detail().contains("no JDBC driver") && !e.detail().contains("secret"), e.detail());
    }
}
