package dev.flashgate.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.Device;
import dev.flashgate.core.device.DeviceDiscovery;
import dev.flashgate.core.pkg.ProgressListener;
import dev.flashgate.core.pkg.TrustAnchors;
import dev.flashgate.core.pkg.VerificationReport;
import dev.flashgate.core.repository.RepositoryTarget;
import dev.flashgate.core.session.SessionRecord;
import dev.flashgate.core.session.SessionState;
import dev.flashgate.upgrade.SessionOptions;
import dev.flashgate.upgrade.SessionRequest;
import dev.flashgate.upgrade.SessionStatus;
import dev.flashgate.upgrade.UpdateSession;
import dev.flashgate.upgrade.UpdateSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flashgate flash PKG}: one whole update session with a live progress line. */
@Command(name = "flash", mixinStandardHelpOptions = true,
        description = "Update a device: verify the package, check it against the device, transfer, check on the device, "
                + "activate, re-identify.")
final class FlashCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "PKG", description = "The .fgp update package (or use --from).")
    Path pkg;

    @Option(names = "--from", paramLabel = "REPOSITORY",
            description = "Take each device's package from this repository (see 'remote'): the newest for its model, or --target.")
    String repository;

    @Option(names = "--target", paramLabel = "NAME", description = "With --from: this package of the repository.")
    String target;

    @Option(names = "--device", paramLabel = "IMEI",
            description = "A device to update, by IMEI (repeatable: several devices are updated at once, each in its own session).")
    List<String> imeis = new ArrayList<>();

    @Option(names = "--port", paramLabel = "PATH", description = "A port of the device to update (repeatable: a device can have several).")
    List<String> ports = new ArrayList<>();

    @Option(names = "--allow-downgrade", description = "Allow a package with a lower versionCode than the device's (never a lower security version).")
    boolean allowDowngrade;

    @Option(names = "--stall-timeout", paramLabel = "SECONDS", description = "Watchdog: fail with DEVICE_STALLED when no data moves this long (default: ${DEFAULT-VALUE}).")
    int stallSeconds = (int) SessionOptions.DEFAULTS.stallTimeout().toSeconds();

    @Option(names = "--retries", paramLabel = "N", description = "Transfers retried after a dropped link (default: ${DEFAULT-VALUE}).")
    int retries = SessionOptions.DEFAULTS.retries();

    @Option(names = "--json", description = "Print the session's outcome as JSON.")
    boolean json;

    @Mixin
    TrustOptions trust;

    private final Services services;

    FlashCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() throws Exception {
        if ((pkg == null) == (repository == null) || (target != null && repository == null)) {
            throw new FlashgateException(ErrorCode.USAGE, "name a package file, or a repository with --from (and maybe --target)");
        }
        if (pkg != null && (!Files.isRegularFile(pkg) || !Files.isReadable(pkg))) {
            throw new FlashgateException(ErrorCode.USAGE, "cannot read " + pkg + ": not a readable file");
        }
        if (stallSeconds < 1 || retries < 0) {
            throw new FlashgateException(ErrorCode.USAGE, "--stall-timeout must be at least 1 and --retries at least 0");
        }
        List<Device> devices = devices(services.discovery().get());
        UpdateSessions engine = services.sessions().get();
        SessionOptions options = SessionOptions.DEFAULTS.withStallTimeout(Duration.ofSeconds(stallSeconds)).withRetries(retries);
        List<UpdateSession> sessions = new ArrayList<>();
        TrustAnchors anchors = trust.anchors(services.trustStore());
        for (Device device : devices) {
            Path file = pkg != null ? pkg.toAbsolutePath() : fromRepository(device, anchors);
            sessions.add(engine.start(new SessionRequest(file, device.id(), anchors, allowDowngrade, options)));
        }
        Thread cancelOnInterrupt = new Thread(() -> {
            sessions.forEach(UpdateSession::cancel);
            for (UpdateSession session : sessions) {
                try {
                    session.await(Duration.ofSeconds(10));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "flashgate-flash-cancel");
        Runtime.getRuntime().addShutdownHook(cancelOnInterrupt);
        try {
            if (sessions.size() == 1) {
                SessionFollow.follow(services.terminal(), sessions.get(0));
                return SessionFollow.report(services.terminal(), sessions.get(0), json);
            }
            followAll(sessions);
            return reportAll(sessions);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cancelOnInterrupt);
            } catch (IllegalStateException e) {
                // shutting down: the hook runs
            }
        }
    }

    /**
     * The device's package from the repository, fetched (length and hash as signed) and checked to be
     * what the repository listed; the session verifies it in full again, as any package.
     */
    private Path fromRepository(Device device, TrustAnchors anchors) throws FlashgateException {
        String model = device.identity() == null ? null : device.identity().model();
        if (model == null) {
            throw new FlashgateException(ErrorCode.INCOMPATIBLE_MODEL, device.id() + " has not said its model; name a package file");
        }
        RepositoryTarget chosen = RepositoryTarget.choose(services.repositories().targets(repository), model, target)
                .orElseThrow(() -> new FlashgateException(ErrorCode.REPO_TARGET_UNKNOWN,
                        repository + " offers " + (target == null ? "no package" : "no " + target) + " for " + model));
        ProgressListener bar = ProgressBar.forSize(services.terminal(), chosen.length(), "download");
        Path file = services.repositories().fetch(repository, chosen.name(), bar);
        ProgressBar.finish(bar);
        VerificationReport report = services.verifier().verify(file, anchors, ProgressListener.NONE);
        if (report.verified()) {
            Optional<String> mismatch = chosen.mismatch(report.manifest());
            if (mismatch.isPresent()) {
                throw new FlashgateException(ErrorCode.REPO_TARGET_MISMATCH, mismatch.get());
            }
        }
        services.terminal().err().printf("%s: %s from %s%n", device.identity().imei(), chosen.name(), repository);
        return file;
    }

    /** The devices named by --device, or by --port, or the only one attached. */
    private List<Device> devices(DeviceDiscovery discovery) throws FlashgateException {
        if (imeis.size() > 1 && !ports.isEmpty()) {
            throw new FlashgateException(ErrorCode.USAGE, "name several devices with --device, or one device's ports with --port");
        }
        if (imeis.size() <= 1) {
            return List.of(device(discovery, imeis.isEmpty() ? null : imeis.get(0)));
        }
        discovery.rescan();
        List<Device> found = new ArrayList<>();
        for (String one : new LinkedHashSet<>(imeis)) {
            found.add(SessionFollow.withImei(services, discovery, one));
        }
        return found;
    }

    /** The device named by its IMEI or by --port, or the only one attached. */
    private Device device(DeviceDiscovery discovery, String imei) throws FlashgateException {
        ports.forEach(discovery::addPort);
        discovery.rescan();
        if (imei != null) {
            return SessionFollow.withImei(services, discovery, imei);
        }
        if (!ports.isEmpty()) {
            Set<String> ids = new LinkedHashSet<>();
            Device found = null;
            for (String port : ports) {
                Optional<Device> d = discovery.byPort(port);
                if (d.isEmpty()) {
                    throw new FlashgateException(ErrorCode.DEVICE_GONE, "no device answers on " + port);
                }
                ids.add(d.get().id());
                found = d.get();
            }
            if (ids.size() > 1) {
                throw new FlashgateException(ErrorCode.USAGE, "the ports belong to different devices: " + ids);
            }
            return found;
        }
        List<Device> present = discovery.devices().stream().filter(d -> d.presence() == Device.Presence.PRESENT).toList();
        if (present.size() != 1) {
            throw new FlashgateException(ErrorCode.USAGE, present.isEmpty() ? "no device is attached"
                    : present.size() + " devices are attached; name one with --device IMEI or --port PATH");
        }
        return present.get(0);
    }

    /** Several sessions at once: their log lines, each under its device, until all have ended. */
    private void followAll(List<UpdateSession> sessions) throws InterruptedException {
        Terminal t = services.terminal();
        int[] logged = new int[sessions.size()];
        boolean running = true;
        while (running) {
            running = false;
            for (int i = 0; i < sessions.size(); i++) {
                UpdateSession session = sessions.get(i);
                SessionStatus s = session.await(Duration.ofMillis(100));
                List<String> log = session.log();
                String who = s.record().imei() != null ? s.record().imei() : s.record().deviceId();
                for (String line : log.subList(Math.min(logged[i], log.size()), log.size())) {
                    t.err().println("[" + who + "] " + line);
                }
                logged[i] = log.size();
                running |= !s.record().state().isFinal();
            }
            t.err().flush();
        }
    }

    /** One line (or JSON object) a session; the exit status of the first that failed. */
    private int reportAll(List<UpdateSession> sessions) {
        Terminal t = services.terminal();
        int status = 0;
        var list = ReportJson.MAPPER.createArrayNode();
        for (UpdateSession session : sessions) {
            SessionRecord r = session.status().record();
            list.add(SessionText.json(r, session.log()));
            if (!json) {
                t.out().println(r.state() + "  " + (r.imei() != null ? r.imei() : r.deviceId()) + "  "
                        + (r.state() == SessionState.SUCCEEDED ? "now runs " + r.version()
                                : r.code() + ": " + r.detail() + (r.condition() == null ? "" : "; device " + r.condition())));
            }
            if (status == 0 && r.state() != SessionState.SUCCEEDED) {
                status = r.code() == null ? ErrorCode.INTERNAL.exitStatus() : r.code().exitStatus();
            }
        }
        if (json) {
            t.out().println(ReportJson.text(list));
        }
        t.flush();
        return status;
    }
}
