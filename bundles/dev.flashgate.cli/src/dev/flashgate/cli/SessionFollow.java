package dev.flashgate.cli;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.Device;
import dev.flashgate.core.device.DeviceDiscovery;
import dev.flashgate.core.device.DeviceMode;
import dev.flashgate.core.session.SessionJournal;
import dev.flashgate.core.session.SessionRecord;
import dev.flashgate.core.session.SessionState;
import dev.flashgate.upgrade.SessionStatus;
import dev.flashgate.upgrade.UpdateSession;

/** What the commands that run one session on a device share: finding the device by IMEI, following the session, its outcome. */
final class SessionFollow {

    private SessionFollow() {
    }

    /**
     * The attached device with this IMEI: as discovery knows it, or one in emergency download (where
     * a device cannot say its IMEI) behind a port the journal knows a session bound to that IMEI.
     */
    static Device withImei(Services services, DeviceDiscovery discovery, String imei) throws FlashgateException {
        Optional<Device> known = discovery.byImei(imei).filter(d -> d.presence() == Device.Presence.PRESENT);
        if (known.isPresent()) {
            return known.get();
        }
        SessionJournal journal = services.journal().get();
        for (Device d : discovery.devices()) {
            if (d.presence() != Device.Presence.PRESENT || d.mode() != DeviceMode.EDL) {
                continue;
            }
            Optional<SessionJournal.DeviceAlias> alias = journal.alias(d.id());
            if (alias.isPresent() && alias.get().imei().equals(imei)) {
                services.terminal().err().println(d.id() + " in emergency download is IMEI " + imei + ", as a session bound it on "
                        + alias.get().bound());
                return d;
            }
        }
        throw new FlashgateException(ErrorCode.DEVICE_GONE, "no device with IMEI " + imei + " is attached");
    }

    /** The session's log lines as they come, with a live progress line on a terminal, until it ends. */
    static SessionStatus follow(Terminal t, UpdateSession session) throws InterruptedException {
        int logged = 0;
        boolean drawn = false;
        while (true) {
            SessionStatus s = session.await(Duration.ofMillis(200));
            List<String> log = session.log();
            if (log.size() < logged) {
                logged = 0; // the log rolled over
            }
            for (String line : log.subList(logged, log.size())) {
                if (drawn) {
                    EscapingWriter.control(t.err(), "\r" + " ".repeat(79) + "\r");
                    drawn = false;
                }
                t.err().println(line);
            }
            logged = log.size();
            if (s.record().state().isFinal()) {
                if (drawn) {
                    EscapingWriter.control(t.err(), "\r" + " ".repeat(79) + "\r");
                }
                t.err().flush();
                return s;
            }
            if (t.interactive()) {
                EscapingWriter.control(t.err(), "\r");
                t.err().print(SessionText.progressLine(s));
                drawn = true;
            }
            t.err().flush();
        }
    }

    /** The outcome: a line (or JSON) on success, the typed error, the device's condition and the session otherwise; the exit status. */
    static int report(Terminal t, UpdateSession session, boolean json) {
        return report(t, session, json, r -> SessionText.succeeded(r) + "; session " + r.id() + ")");
    }

    /** {@link #report(Terminal, UpdateSession, boolean)} with the success line of {@code succeeded}. */
    static int report(Terminal t, UpdateSession session, boolean json, java.util.function.Function<SessionRecord, String> succeeded) {
        SessionRecord r = session.status().record();
        if (json) {
            t.out().println(ReportJson.text(SessionText.json(r, session.log())));
        } else if (r.state() == SessionState.SUCCEEDED) {
            t.out().println(succeeded.apply(r));
        } else {
            ErrorText.print(t.err(), r.code(), r.detail());
            if (r.condition() != null) {
                t.err().println("  Device:     " + r.condition());
            }
            t.err().println("  Session:    " + r.id() + " (flashgate history --session " + r.id() + ")");
        }
        t.flush();
        return r.state() == SessionState.SUCCEEDED ? 0 : r.code() == null ? ErrorCode.INTERNAL.exitStatus() : r.code().exitStatus();
    }
}
