package dev.flashgate.cli;

import java.util.List;
import java.util.concurrent.Callable;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.Printable;
import dev.flashgate.core.device.Device;
import dev.flashgate.core.device.DeviceDiscovery;
import dev.flashgate.core.session.SessionJournal;
import dev.flashgate.upgrade.RestoreRequest;
import dev.flashgate.upgrade.SessionOptions;
import dev.flashgate.upgrade.UpdateSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flashgate restore --device IMEI}: writes back onto a device what a session kept of it
 * before its first write (a modem's efs2 and fsg: IMEI and RF calibration), as one session.
 */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Write back onto a device what a session kept of it before writing (a modem's IMEI and RF calibration); "
                + "the device must come back with its IMEI.")
final class RestoreCommand implements Callable<Integer> {

    @Option(names = "--device", required = true, paramLabel = "IMEI",
            description = "The device whose copies are written back, by its IMEI (also when it no longer reports one).")
    String imei;

    @Option(names = "--session", paramLabel = "ID", description = "The copies this session kept (default: the newest session that kept any).")
    String session;

    @Option(names = "--port", paramLabel = "PATH",
            description = "A port of the device, when it cannot be found by its IMEI and it is not the only one without an IMEI.")
    String port;

    @Option(names = "--list", description = "List the copies kept of the device, newest first, and write nothing.")
    boolean list;

    @Option(names = "--json", description = "Print the session's outcome (or the list) as JSON.")
    boolean json;

    private final Services services;

    RestoreCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() throws Exception {
        if (!imei.matches("\\d{15}")) {
            throw new FlashgateException(ErrorCode.USAGE, "an IMEI has 15 digits: " + Printable.line(imei));
        }
        if (list) {
            return list(services.journal().get().backups(imei));
        }
        UpdateSession restore = services.sessions().get().restore(new RestoreRequest(device(services.discovery().get()), imei, session,
                SessionOptions.DEFAULTS));
        SessionFollow.follow(services.terminal(), restore);
        return SessionFollow.report(services.terminal(), restore, json,
                r -> "SUCCEEDED: " + Printable.line(r.model() + " " + r.imei() + " " + r.condition().detail()) + " (session " + r.id() + ")");
    }

    private int list(List<SessionJournal.Backup> backups) {
        Terminal t = services.terminal();
        if (json) {
            var array = ReportJson.MAPPER.createArrayNode();
            for (SessionJournal.Backup b : backups) {
                array.addObject().put("session", b.sessionId()).put("name", b.name()).put("bytes", b.bytes())
                        .put("sha256", b.sha256()).put("taken", b.taken().toString());
            }
            t.out().println(ReportJson.text(array));
        } else if (backups.isEmpty()) {
            t.out().println("no copies are kept of IMEI " + imei);
        } else {
            for (SessionJournal.Backup b : backups) {
                EscapingWriter.line(t.out(), "%s  %s  %-12s %10d bytes  SHA-256 %s", b.taken(), b.sessionId(), b.name(), b.bytes(),
                        b.sha256());
            }
        }
        t.flush();
        return 0;
    }

    /** The device named by --port; else {@code null}: the engine finds it by the IMEI (see {@link RestoreRequest}). */
    private String device(DeviceDiscovery discovery) throws FlashgateException {
        if (port == null) {
            return null;
        }
        discovery.addPort(port);
        discovery.rescan();
        return discovery.byPort(port).map(Device::id).orElseThrow(() -> new FlashgateException(ErrorCode.DEVICE_GONE,
                "no device answers on " + Printable.line(port)));
    }
}
