package dev.flashgate.station.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.Topics;
import dev.flashgate.core.device.Device;
import dev.flashgate.core.device.DeviceDiscovery;
import dev.flashgate.core.device.DeviceMode;
import dev.flashgate.core.device.Identity;
import dev.flashgate.core.device.PortInfo;
import dev.flashgate.core.pkg.TrustAnchors;
import dev.flashgate.core.repository.UpdateRepositories;
import dev.flashgate.core.session.SessionJournal;
import dev.flashgate.core.session.SessionRecord;
import dev.flashgate.core.session.SessionState;
import dev.flashgate.station.BoardEntry;
import dev.flashgate.station.BoardEntry.Stage;
import dev.flashgate.station.StationPolicy;
import dev.flashgate.station.StationRun;
import dev.flashgate.upgrade.SessionRequest;
import dev.flashgate.upgrade.SessionStatus;
import dev.flashgate.upgrade.UpdateSession;
import dev.flashgate.upgrade.UpdateSessions;

/**
 * One run of station mode. Device events are handled on one dispatcher thread, which only decides
 * (so a burst of devices never waits on a download or a session); each update runs on its own
 * virtual thread, which prepares the package and then waits for one of {@code parallel} slots. A
 * device that is being updated is never considered again until its session ended, however often it
 * re-enumerates or whichever mode it shows up in; a settled device only once it was unplugged and
 * plugged again. A device found in emergency download, which cannot say who it is, is recovered
 * with its model's package when the journal knows it (a session bound it behind that port).
 */
final class StationRunner implements StationRun, EventHandler {

    private static final Duration POLL = Duration.ofMillis(250);

    private final StationPolicy policy;
    private final DeviceDiscovery discovery;
    private final UpdateSessions sessions;
    private final SessionJournal journal;
    private final UpdateRepositories repositories;
    private final PackageResolver resolver;
    private final TrustAnchors anchors;
    private final Consumer<Event> events;
    private final Consumer<String> log;
    private final Clock clock;
    private final Map<String, BoardEntry> board = new ConcurrentHashMap<>();
    /** Devices being updated: discovery id to IMEI. */
    private final Map<String, String> active = new ConcurrentHashMap<>();
    /**
     * The physical USB ports ({@code usbPath}) of devices being updated, to their discovery id: a
     * device that appears there (the modem in emergency download, with another USB serial) is the
     * updated device in another mode, not a device of its own.
     */
    private final Map<String, String> activeSockets = new ConcurrentHashMap<>();
    private final Semaphore slots;
    private final ExecutorService dispatcher = Executors.newSingleThreadExecutor(r -> new Thread(r, "flashgate-station"));
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("flashgate-station-", 0).factory());
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "flashgate-station-refresh"));
    private final Object changed = new Object();
    private volatile long lastChange = System.nanoTime();
    private volatile boolean closed;
    private ServiceRegistration<EventHandler> registration;

    StationRunner(StationPolicy policy, DeviceDiscovery discovery, UpdateSessions sessions, SessionJournal journal,
            UpdateRepositories repositories, PackageResolver resolver, TrustAnchors anchors, Consumer<Event> events,
            Consumer<String> log, Clock clock) {
        this.policy = policy;
        this.discovery = discovery;
        this.sessions = sessions;
        this.journal = journal;
        this.repositories = repositories;
        this.resolver = resolver;
        this.anchors = anchors;
        this.events = events;
        this.log = log;
        this.clock = clock;
        this.slots = new Semaphore(policy.parallel(), true);
    }

    void start(BundleContext context) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, Topics.DEVICE_ALL);
        registration = context.registerService(EventHandler.class, this, props);
        dispatcher.execute(this::refreshRepositories);
        dispatcher.execute(() -> discovery.devices().forEach(d -> consider(d.id())));
        long every = policy.refresh().toMillis();
        refresher.scheduleWithFixedDelay(() -> dispatcher.execute(this::refreshRepositories), every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handleEvent(Event event) {
        Object device = event.getProperty(Topics.KEY_DEVICE);
        if (device != null && !closed) {
            dispatcher.execute(() -> consider(device.toString()));
        }
    }

    @Override
    public StationPolicy policy() {
        return policy;
    }

    @Override
    public List<BoardEntry> board() {
        return board.values().stream().sorted(Comparator.comparing((BoardEntry e) -> e.port() == null ? "" : e.port())
                .thenComparing(BoardEntry::deviceId)).toList();
    }

    @Override
    public boolean awaitIdle(Duration quiet, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (changed) {
            while (true) {
                long now = System.nanoTime();
                long quietLeft = lastChange + quiet.toNanos() - now;
                if (!board.isEmpty() && active.isEmpty() && quietLeft <= 0) {
                    return true;
                }
                if (now >= deadline) {
                    return false;
                }
                long wait = Math.min(deadline - now, quietLeft > 0 ? quietLeft : POLL.toNanos());
                TimeUnit.NANOSECONDS.timedWait(changed, Math.max(1, wait));
            }
        }
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException e) {
                // the framework is stopping and took it already
            }
        }
        refresher.shutdownNow();
        dispatcher.shutdown();
        workers.shutdown(); // running sessions finish; queued devices see 'closed' and give up
    }

    /** Decides what to do with a device after an event; runs on the dispatcher thread only. */
    private void consider(String id) {
        if (closed) {
            return;
        }
        Optional<Device> found = discovery.devices().stream().filter(d -> d.id().equals(id)).findFirst();
        if (found.isEmpty()) {
            return;
        }
        Device device = found.get();
        BoardEntry old = board.get(id);
        if (device.presence() == Device.Presence.GONE) {
            if (old != null) {
                update(id, e -> with(e, false, e.revision(), e.port()));
            }
            return;
        }
        String socket = socket(device);
        String updating = socket == null ? null : activeSockets.get(socket);
        if (updating != null && !updating.equals(id)) {
            forget(id); // the device being updated there, in another mode
            return;
        }
        Identity identity = device.identity();
        String revision = identity == null ? null : identity.revision();
        if (active.containsKey(id) || (old != null && old.stage().settled() && old.present())) {
            update(id, e -> with(e, true, revision, port(device)));
            return;
        }
        boolean edl = device.mode() == DeviceMode.EDL;
        Who who;
        if (edl) {
            Optional<SessionJournal.DeviceAlias> known = knownAs(id);
            if (known.isEmpty()) {
                put(device, Who.UNKNOWN, Stage.IDENTIFYING, null, null, "in emergency download and not known here (no session "
                        + "bound it): 'flashgate flash PACKAGE --port " + port(device) + "' recovers it");
                return;
            }
            who = new Who(known.get().imei(), known.get().model(), null);
        } else if (identity == null || identity.model() == null || !identity.hasImei()) {
            put(device, Who.UNKNOWN, Stage.IDENTIFYING, null, null, "waiting for its model and IMEI");
            return;
        } else {
            who = new Who(identity.imei(), identity.model(), identity.revision());
        }
        if (active.containsValue(who.imei())) {
            forget(id); // the device in another mode (switched to emergency download, or back from it) while its session runs
            return;
        }
        Optional<StationPolicy.Rule> rule = policy.ruleFor(who.model());
        if (rule.isEmpty()) {
            put(device, who, Stage.NO_RULE, null, null, "the policy names no package for " + who.model() + ": left alone");
            return;
        }
        active.put(id, who.imei());
        if (socket != null) {
            activeSockets.put(socket, id);
        }
        put(device, who, Stage.PREPARING, null, null, (edl ? "in emergency download: recovering with " : "preparing ")
                + rule.get().source());
        workers.execute(() -> updateDevice(device, who, rule.get()));
    }

    /** Who a device is: from its identity, or for one in emergency download from the journal (revision unknown). */
    private record Who(String imei, String model, String revision) {
        static final Who UNKNOWN = new Who(null, null, null);
    }

    private Optional<SessionJournal.DeviceAlias> knownAs(String id) {
        try {
            return journal.alias(id);
        } catch (FlashgateException e) {
            log.accept(id + ": the journal cannot say who this device is: " + e.code() + ": " + e.detail());
            return Optional.empty();
        }
    }

    /** One device's update, on its own virtual thread. */
    private void updateDevice(Device device, Who who, StationPolicy.Rule rule) {
        String id = device.id();
        try {
            PackageResolver.Resolved pkg = resolver.resolve(rule, who.model());
            if (pkg.version().equals(who.revision())) {
                put(device, who, Stage.UP_TO_DATE, pkg, null, "already runs " + pkg.version());
                return;
            }
            put(device, who, Stage.QUEUED, pkg, null, "waiting for one of " + policy.parallel() + " session slots");
            slots.acquire();
            try {
                if (closed) {
                    put(device, who, Stage.FAILED, pkg, null, "station mode stopped before the update started");
                    return;
                }
                UpdateSession session = sessions.start(new SessionRequest(pkg.file(), id, anchors, policy.allowDowngrade(),
                        policy.sessionOptions()));
                log.accept(who.imei() + ": " + pkg.name() + " (" + (device.mode() == DeviceMode.EDL ? "in emergency download" : who.revision())
                        + " -> " + pkg.version() + "), session " + session.id());
                SessionStatus status = session.status();
                while (!status.record().state().isFinal()) {
                    SessionStatus now = status;
                    update(id, e -> progress(e, session.id(), now));
                    status = session.await(POLL);
                }
                finish(id, session.id(), status.record());
            } finally {
                slots.release();
            }
        } catch (FlashgateException e) {
            fail(id, e.code(), e.detail());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(id, ErrorCode.CANCELLED, "station mode stopped");
        } catch (RuntimeException | Error e) {
            FlashgateException typed = FlashgateException.unexpected(e);
            fail(id, typed.code(), typed.detail());
        } finally {
            active.remove(id);
            activeSockets.values().remove(id);
            touched();
        }
    }

    private void refreshRepositories() {
        policy.rules().stream().map(StationPolicy.Rule::repository).filter(r -> r != null).distinct().forEach(name -> {
            try {
                repositories.update(name);
                log.accept("repository " + name + " updated");
            } catch (FlashgateException e) {
                // the last verified state stays usable until it expires; the board shows the code if it cannot serve
                log.accept("repository " + name + " not updated: " + e.code() + ": " + e.detail());
            }
        });
        resolver.forget();
    }

    private void finish(String id, String sessionId, SessionRecord record) {
        boolean ok = record.state() == SessionState.SUCCEEDED;
        update(id, e -> new BoardEntry(e.deviceId(), e.imei(), e.model(), e.revision(), e.port(), e.present(),
                ok ? Stage.SUCCEEDED : Stage.FAILED, e.packageName(), e.version(), sessionId, record.state().name(), ok ? 1.0 : e.fraction(),
                record.code(), ok ? "now runs " + record.version() : record.detail() + condition(record), clock.instant()));
        log.accept(board.get(id).imei() + ": " + record.state() + (ok ? "" : " " + record.code() + ": " + record.detail()));
    }

    private static String condition(SessionRecord record) {
        return record.condition() == null ? "" : " (device " + record.condition() + ")";
    }

    private void fail(String id, ErrorCode code, String detail) {
        update(id, e -> new BoardEntry(e.deviceId(), e.imei(), e.model(), e.revision(), e.port(), e.present(), Stage.FAILED,
                e.packageName(), e.version(), e.sessionId(), e.sessionState(), e.fraction(), code, detail, clock.instant()));
        log.accept(id + ": " + code + ": " + detail);
    }

    private BoardEntry progress(BoardEntry e, String sessionId, SessionStatus status) {
        return new BoardEntry(e.deviceId(), e.imei(), e.model(), e.revision(), e.port(), e.present(), Stage.UPDATING,
                e.packageName(), e.version(), sessionId, status.record().state().name(), status.fraction(), null,
                null, e.stage() == Stage.UPDATING ? e.since() : clock.instant());
    }

    private static BoardEntry with(BoardEntry e, boolean present, String revision, String port) {
        return new BoardEntry(e.deviceId(), e.imei(), e.model(), revision, port == null ? e.port() : port, present, e.stage(),
                e.packageName(), e.version(), e.sessionId(), e.sessionState(), e.fraction(), e.code(), e.detail(), e.since());
    }

    private void put(Device device, Who who, Stage stage, PackageResolver.Resolved pkg, ErrorCode code, String detail) {
        BoardEntry entry = new BoardEntry(device.id(), who.imei(), who.model(), who.revision(), port(device),
                device.presence() == Device.Presence.PRESENT, stage, pkg == null ? null : pkg.name(),
                pkg == null ? null : pkg.version(), null, null, 0, code, detail, clock.instant());
        board.put(device.id(), entry);
        changed(entry);
    }

    private void update(String id, UnaryOperator<BoardEntry> change) {
        BoardEntry next = board.computeIfPresent(id, (k, e) -> change.apply(e));
        if (next != null) {
            changed(next);
        }
    }

    /** Takes a row off the board that stood for a device which is another one's other mode. */
    private void forget(String id) {
        BoardEntry gone = board.remove(id);
        if (gone != null) {
            changed(gone);
        }
    }

    private void changed(BoardEntry entry) {
        touched();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Topics.KEY_DEVICE, entry.deviceId());
        props.put(Topics.KEY_STATE, entry.stage().name());
        if (entry.imei() != null) {
            props.put(Topics.KEY_IMEI, entry.imei());
        }
        events.accept(new Event(Topics.STATION_CHANGED, props));
    }

    private void touched() {
        lastChange = System.nanoTime();
        synchronized (changed) {
            changed.notifyAll();
        }
    }

    /** The physical USB port a device is plugged into, where the OS says. */
    private static String socket(Device device) {
        return device.ports().stream().map(PortInfo::usbPath).filter(p -> p != null).findFirst().orElse(null);
    }

    /** The port the board shows a device by: its AT port, else the first it has. */
    private static String port(Device device) {
        return device.port("at").or(() -> device.ports().stream().findFirst()).map(PortInfo::path).orElse(null);
    }
}
