package dev.flashgate.upgrade.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.FieldOption;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.FlashgateHome;
import dev.flashgate.core.Topics;
import dev.flashgate.core.device.Device;
import dev.flashgate.core.device.DeviceDiscovery;
import dev.flashgate.core.device.DeviceMode;
import dev.flashgate.core.device.SerialLinks;
import dev.flashgate.core.pkg.PackageVerifier;
import dev.flashgate.core.pkg.TrustStore;
import dev.flashgate.core.session.SessionJournal;
import dev.flashgate.core.session.SessionRecord;
import dev.flashgate.core.session.SessionState;
import dev.flashgate.core.session.Station;
import dev.flashgate.upgrade.BackupItem;
import dev.flashgate.upgrade.PluginInfo;
import dev.flashgate.upgrade.RestoreRequest;
import dev.flashgate.upgrade.SessionRequest;
import dev.flashgate.upgrade.UpdateSession;
import dev.flashgate.upgrade.UpdateSessions;
import dev.flashgate.upgrade.UpgradePlugin;

/**
 * Runs update sessions, each on its own thread, one per device at a time. Plugins come and go
 * with their bundles (dynamic, greedy); a watchdog tick looks at every running session's links.
 */
@Component(service = UpdateSessions.class)
public final class SessionEngine implements UpdateSessions {

    private static final int KEEP_FINISHED = 200;

    private final PackageVerifier verifier;
    private final TrustStore trustStore;
    private final DeviceDiscovery discovery;
    private final SerialLinks links;
    private final SessionJournal journal;
    private final PluginLeases leases;
    private final Path home;
    private final BackupStore backups;
    /** Milliseconds: what every journal database keeps, so a record read back equals the one written. */
    private final Clock clock = Clock.tick(Clock.systemUTC(), Duration.ofMillis(1));
    private final String station;
    private final AtomicInteger threadCount = new AtomicInteger();
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> daemon(r, "flashgate-session-" + threadCount.incrementAndGet()));
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "flashgate-watchdog"));
    private final List<Session> sessions = new ArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, fieldOption = FieldOption.UPDATE)
    private final List<UpgradePlugin> plugins = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin events;

    @Activate
    public SessionEngine(@Reference PackageVerifier verifier, @Reference TrustStore trustStore,
            @Reference DeviceDiscovery discovery, @Reference SerialLinks links, @Reference SessionJournal journal,
            @Reference PluginLeases leases, BundleContext context) {
        this.verifier = verifier;
        this.trustStore = trustStore;
        this.discovery = discovery;
        this.links = links;
        this.journal = journal;
        this.leases = leases;
        this.home = FlashgateHome.resolve(context.getProperty(FlashgateHome.PROPERTY));
        this.backups = new BackupStore(home);
        this.station = Station.current().toString();
        ticks.scheduleWithFixedDelay(this::watchdog, 100, 100, TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Deactivate
    void deactivate() {
        List<Session> running;
        synchronized (this) {
            running = sessions.stream().filter(Session::isRunning).toList();
        }
        running.forEach(Session::cancel);
        for (Session s : running) {
            try {
                s.await(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        workers.shutdownNow();
        ticks.shutdownNow();
    }

    @Override
    public synchronized UpdateSession start(SessionRequest request) throws FlashgateException {
        return launch(new Session(this, request, newRecord(request.deviceId(), request.pkg().toAbsolutePath().toString())));
    }

    @Override
    public synchronized UpdateSession restore(RestoreRequest request) throws FlashgateException {
        List<SessionJournal.Backup> kept = journal.backups(request.imei());
        String from = request.fromSession() != null ? request.fromSession()
                : kept.stream().map(SessionJournal.Backup::sessionId).findFirst().orElse(null);
        List<BackupItem> items = new ArrayList<>();
        for (SessionJournal.Backup b : kept) {
            if (b.sessionId().equals(from)) {
                items.add(new BackupItem(b.name(), b.sha256(), b.bytes(), backups.file(request.imei(), b.sha256())));
            }
        }
        if (items.isEmpty()) {
            throw new FlashgateException(ErrorCode.USAGE, "the journal lists no copies kept of IMEI " + request.imei()
                    + (request.fromSession() == null ? "" : " by session " + request.fromSession()));
        }
        for (BackupItem item : items) {
            backups.check(item);
        }
        String plugin = journal.session(from).map(SessionRecord::plugin).orElseThrow(() -> new FlashgateException(ErrorCode.USAGE,
                "the journal does not know session " + from + ", which kept the copies"));
        Session.Restore restore = new Session.Restore(request.imei(), from, plugin, List.copyOf(items));
        String device = request.deviceId() != null ? request.deviceId() : deviceOf(request.imei(), plugin);
        RestoreRequest chosen = new RestoreRequest(device, request.imei(), from, request.options());
        return launch(new Session(this, restore, chosen, newRecord(device, backups.folder(request.imei()).toString())));
    }

    /** The device a restore of {@code imei} is for, where the request names none (see {@link RestoreRequest}). */
    private String deviceOf(String imei, String plugin) throws FlashgateException {
        Optional<Device> known = discovery.byImei(imei).filter(d -> d.presence() == Device.Presence.PRESENT);
        if (known.isPresent()) {
            return known.get().id();
        }
        List<Device> present = discovery.devices().stream().filter(d -> d.presence() == Device.Presence.PRESENT).toList();
        for (Device d : present) {
            if (d.mode() == DeviceMode.EDL && journal.alias(d.id()).map(a -> a.imei().equals(imei)).orElse(false)) {
                return d.id();
            }
        }
        List<Device> without = present.stream().filter(d -> (d.identity() == null || !d.identity().hasImei())
                && plugin(plugin, d).isPresent()).toList();
        if (without.size() != 1) {
            throw new FlashgateException(ErrorCode.DEVICE_GONE, "no device with IMEI " + imei + " is attached"
                    + (without.isEmpty() ? "" : ", and " + without.size() + " report none") + "; name the device");
        }
        return without.get(0).id();
    }

    private SessionRecord newRecord(String deviceId, String source) {
        return new SessionRecord(UUID.randomUUID().toString(), clock.instant(), null, station, source, null, null, -1, -1, null,
                deviceId, null, null, null, SessionState.PENDING, null, null, null, null);
    }

    private UpdateSession launch(Session session) throws FlashgateException {
        for (Session s : sessions) {
            if (s.isRunning() && s.deviceId().equals(session.deviceId())) {
                throw new FlashgateException(ErrorCode.DEVICE_BUSY, session.deviceId() + " is being updated by session " + s.id());
            }
        }
        sessions.add(0, session);
        if (sessions.size() > KEEP_FINISHED) {
            sessions.stream().filter(s -> !s.isRunning()).reduce((a, b) -> b).ifPresent(sessions::remove);
        }
        workers.execute(session);
        return session;
    }

    @Override
    public synchronized List<UpdateSession> sessions() {
        return sessions.stream().sorted(Comparator.comparing((Session s) -> !s.isRunning())).map(s -> (UpdateSession) s).toList();
    }

    @Override
    public List<PluginInfo> plugins() {
        return plugins.stream().map(UpgradePlugin::info).sorted(Comparator.comparing(PluginInfo::id)).toList();
    }

    @Override
    public List<PluginInfo> pluginsFor(Device device) {
        return plugins.stream().filter(p -> p.handles(device)).map(UpgradePlugin::info).toList();
    }

    Optional<UpgradePlugin> plugin(String id, Device device) {
        return plugins.stream().filter(p -> p.info().id().equals(id) && p.handles(device)).findFirst();
    }

    private static long heapAvailable() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /** What preflight needs to know of the station and the journal. */
    Preflight.Context context(String imei, String revision, long minimumMemory) throws FlashgateException {
        long disk;
        try {
            Files.createDirectories(home);
            disk = Files.getFileStore(home).getUsableSpace();
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.HOST_DISK_FULL, "cannot use " + home + ": " + e.getMessage(), e);
        }
        long memory = heapAvailable();
        if (memory < minimumMemory) {
            // what looks used may be garbage not yet collected: ask once for a collection before refusing
            System.gc();
            memory = heapAvailable();
        }
        long installed = imei == null ? -1 : journal.installedSecurityVersion(imei).orElse(-1);
        OptionalLong code = revision == null ? OptionalLong.empty() : journal.versionCodeOf(revision);
        return new Preflight.Context(disk, memory, installed, code);
    }

    private void watchdog() {
        long now = System.nanoTime();
        List<Session> running;
        synchronized (this) {
            running = sessions.stream().filter(Session::isRunning).toList();
        }
        running.forEach(s -> s.watch(now));
    }

    void schedule(Runnable task, Duration delay) {
        ticks.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    void post(Session session, SessionState state, ErrorCode code) {
        Map<String, Object> props = properties(session);
        props.put(Topics.KEY_STATE, state.name());
        if (code != null) {
            props.put(Topics.KEY_CODE, code.name());
            String detail = session.record().detail();
            if (detail != null) {
                props.put(Topics.KEY_DETAIL, detail);
            }
        }
        send(Topics.SESSION_PREFIX + state.name(), props);
    }

    void postProgress(Session session, long done, long total) {
        Map<String, Object> props = properties(session);
        props.put(Topics.KEY_DONE, done);
        props.put(Topics.KEY_TOTAL, total);
        send(Topics.SESSION_PROGRESS, props);
    }

    void postLog(Session session, String message) {
        Map<String, Object> props = properties(session);
        props.put(Topics.KEY_MESSAGE, message);
        send(Topics.SESSION_LOG, props);
    }

    private static Map<String, Object> properties(Session session) {
        SessionRecord r = session.record();
        Map<String, Object> props = new HashMap<>();
        props.put(Topics.KEY_SESSION, r.id());
        props.put(Topics.KEY_DEVICE, session.deviceId());
        if (r.imei() != null) {
            props.put(Topics.KEY_IMEI, r.imei());
        }
        if (r.packagePath() != null) {
            props.put(Topics.KEY_PACKAGE, r.packagePath());
        }
        return props;
    }

    private void send(String topic, Map<String, Object> props) {
        EventAdmin admin = events;
        if (admin != null) {
            admin.postEvent(new Event(topic, props));
        }
    }

    PackageVerifier verifier() {
        return verifier;
    }

    PluginLeases leases() {
        return leases;
    }

    TrustStore trustStore() {
        return trustStore;
    }

    DeviceDiscovery discovery() {
        return discovery;
    }

    SerialLinks links() {
        return links;
    }

    SessionJournal journal() {
        return journal;
    }

    BackupStore backups() {
        return backups;
    }

    Clock clock() {
        return clock;
    }
}
