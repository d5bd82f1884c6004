package dev.flashgate.upgrade.internal;

import static dev.flashgate.core.session.SessionState.ACTIVATING;
import static dev.flashgate.core.session.SessionState.CANCELLED;
import static dev.flashgate.core.session.SessionState.FAILED;
import static dev.flashgate.core.session.SessionState.PREFLIGHT;
import static dev.flashgate.core.session.SessionState.PREPARING;
import static dev.flashgate.core.session.SessionState.SUCCEEDED;
import static dev.flashgate.core.session.SessionState.TRANSFERRING;
import static dev.flashgate.core.session.SessionState.VERIFYING;
import static dev.flashgate.core.session.SessionState.VERIFYING_DEVICE;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.osgi.framework.Bundle;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.Device;
import dev.flashgate.core.device.DeviceMode;
import dev.flashgate.core.device.PortInfo;
import dev.flashgate.core.device.SerialLink;
import dev.flashgate.core.pkg.Manifest;
import dev.flashgate.core.pkg.VerifiedPackage;
import dev.flashgate.core.session.DeviceCondition;
import dev.flashgate.core.session.SessionJournal;
import dev.flashgate.core.session.SessionRecord;
import dev.flashgate.core.session.SessionState;
import dev.flashgate.core.session.Transition;
import dev.flashgate.upgrade.BackupItem;
import dev.flashgate.upgrade.DeviceFacts;
import dev.flashgate.upgrade.RestoreRequest;
import dev.flashgate.upgrade.SessionOptions;
import dev.flashgate.upgrade.SessionRequest;
import dev.flashgate.upgrade.SessionStatus;
import dev.flashgate.upgrade.UpdateSession;
import dev.flashgate.upgrade.UpgradeContext;
import dev.flashgate.upgrade.UpgradeJob;
import dev.flashgate.upgrade.UpgradePlugin;

/**
 * One update session: verify, preflight, then the plugin's steps under a watchdog, retrying the
 * transfer after a dropped link, then activation and re-identification by IMEI. Each state is
 * journaled before its work starts and posted as an event.
 */
final class Session implements UpdateSession, UpgradeContext, Runnable {

    private static final Duration PORT_BUSY_WAIT = Duration.ofSeconds(5);
    private static final int MAX_LOG_LINES = 500;
    private static final long PROGRESS_EVENT_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final SessionEngine engine;
    /** What an update session runs; {@code null} in a restore. */
    private final SessionRequest request;
    /** What a restore session writes back; {@code null} in an update. */
    private final Restore restore;
    private final String deviceId;
    private final SessionOptions options;
    private final SessionLinks links = new SessionLinks();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final ArrayDeque<String> log = new ArrayDeque<>();
    /** Other discovery ids of this device that the journal has been told of. */
    private final java.util.Set<String> aliased = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private volatile SessionRecord record;
    private volatile Device device;
    private volatile boolean cancelled;
    private volatile boolean stalled;
    private volatile long done;
    private volatile long total;
    private volatile long stepStartNanos;
    private volatile long lastProgressEvent;
    private int seq;
    private VerifiedPackage pkg;
    private volatile UpgradeJob job;
    /** The bundle of the plugin this session runs, leased so it is not taken away meanwhile. */
    private Bundle leased;

    /** What a restore writes back: the copies session {@code fromSession} of plugin {@code plugin} kept of IMEI {@code imei}. */
    record Restore(String imei, String fromSession, String plugin, List<BackupItem> items) {
    }

    Session(SessionEngine engine, SessionRequest request, SessionRecord record) {
        this(engine, request, null, request.deviceId(), request.options(), record);
    }

    Session(SessionEngine engine, Restore restore, RestoreRequest request, SessionRecord record) {
        this(engine, null, restore, request.deviceId(), request.options(), record);
    }

    private Session(SessionEngine engine, SessionRequest request, Restore restore, String deviceId, SessionOptions options,
            SessionRecord record) {
        this.engine = engine;
        this.request = request;
        this.restore = restore;
        this.deviceId = deviceId;
        this.options = options;
        this.record = record;
    }

    @Override
    public String id() {
        return record.id();
    }

    String deviceId() {
        return deviceId;
    }

    @Override
    public void run() {
        try {
            enter(SessionState.PENDING, null);
            if (restore != null) {
                restoreSteps();
                return;
            }
            enter(VERIFYING, null);
            pkg = engine.verifier().open(request.pkg(),
                    request.anchors() != null ? request.anchors() : engine.trustStore().anchors(), this::progress);
            Manifest m = pkg.manifest();
            record = record.withPackage(m.vendor(), m.version(), m.versionCode(), m.securityVersion(), m.target().plugin());
            checkCancelled();
            enter(PREFLIGHT, null);
            DeviceFacts facts = preflight(m);
            deviceSteps();
            enter(ACTIVATING, null);
            Instant told = engine.clock().instant();
            job.activate();
            closeLinks();
            confirm(m, facts, told);
            finish(SUCCEEDED, null, job.note(), new DeviceCondition(DeviceCondition.Kind.UPDATED, "runs " + m.version()));
        } catch (FlashgateException e) {
            failed(e);
        } catch (RuntimeException | Error e) {
            // an Error too: a session thread never dies with its outcome unwritten and its caller waiting
            failed(FlashgateException.unexpected(e));
        } finally {
            try {
                release(); // normally done already, before the outcome was written
            } finally {
                if (!record.state().isFinal()) { // failed() itself broke (no memory left even for that)
                    record = record.withOutcome(ErrorCode.INTERNAL, "the session ended without an outcome",
                            new DeviceCondition(DeviceCondition.Kind.UNKNOWN, "reconnect the device and check what it runs"))
                            .enter(FAILED, engine.clock().instant());
                }
                ended.countDown();
            }
        }
    }

    /**
     * A restore: the device (it must be the one the copies are of: its IMEI, where it still says
     * one, and what the plugin checks, such as its chip), then the same device steps as an update,
     * and the device must come back with the IMEI the copies are of.
     */
    private void restoreSteps() throws FlashgateException {
        enter(PREFLIGHT, "writing back " + String.join(", ", restore.items().stream().map(BackupItem::name).toList())
                + " as session " + restore.fromSession() + " kept them");
        record = record.withPackage(null, "restore of " + restore.fromSession(), -1, -1, restore.plugin());
        UpgradePlugin plugin = pluginFor(restore.plugin());
        record = record.withDevice(device.id(), restore.imei(), null, null);
        job = plugin.restore(this, restore.items());
        DeviceFacts facts = known(job.facts());
        closeLinks();
        if (facts.imei() != null && !facts.imei().equals(restore.imei())) {
            throw new FlashgateException(ErrorCode.DEVICE_SWAPPED, describe(device) + " is IMEI " + facts.imei()
                    + "; the copies are of " + restore.imei() + ": nothing was written");
        }
        record = record.withDevice(device.id(), restore.imei(), facts.model(), facts.revision());
        deviceSteps();
        enter(ACTIVATING, null);
        Instant told = engine.clock().instant();
        job.activate();
        closeLinks();
        DeviceFacts after = backAfter(told, "be restarted");
        closeLinks();
        if (!restore.imei().equals(after.imei())) {
            throw new FlashgateException(ErrorCode.IDENTITY_LOST, "after the restore the device reports "
                    + (after.imei() == null ? "no IMEI" : "IMEI " + after.imei()) + ", not " + restore.imei());
        }
        log("re-identified IMEI " + after.imei() + " running " + after.revision());
        finish(SUCCEEDED, null, null, new DeviceCondition(DeviceCondition.Kind.UPDATED, "holds again what session "
                + restore.fromSession() + " kept of it; runs " + after.revision()));
    }

    /**
     * Closes the device's links, the job and the package. Done before the outcome is written, so
     * whoever sees the outcome (journal, event, {@link #status()}) may start the next session on the
     * device at once.
     */
    private void release() {
        closeLinks();
        UpgradeJob j = job;
        job = null;
        if (j != null) {
            j.close();
        }
        if (pkg != null) {
            pkg.close();
            pkg = null;
        }
        engine.leases().release(leased);
        leased = null;
    }

    /** The session's device, present, and the plugin {@code id} for it, leased for the session. */
    private UpgradePlugin pluginFor(String id) throws FlashgateException {
        device = engine.discovery().devices().stream().filter(d -> d.id().equals(deviceId)).findFirst()
                .filter(d -> d.presence() == Device.Presence.PRESENT)
                .orElseThrow(() -> new FlashgateException(ErrorCode.DEVICE_GONE, deviceId + " is not connected"));
        UpgradePlugin plugin = engine.plugin(id, device).orElseThrow(() -> new FlashgateException(
                ErrorCode.NO_PLUGIN, "no installed plugin '" + id + "' handles " + describe(device)));
        leased = engine.leases().acquire(plugin);
        log("plugin " + plugin.info().id() + " " + plugin.info().version() + " for " + describe(device));
        return plugin;
    }

    private DeviceFacts preflight(Manifest m) throws FlashgateException {
        UpgradePlugin plugin = pluginFor(m.target().plugin());
        job = plugin.begin(this);
        DeviceFacts facts = known(job.facts());
        closeLinks();
        String imei = facts.imei() != null ? facts.imei() : device.identity() != null ? device.identity().imei() : null;
        record = record.withDevice(device.id(), imei, facts.model(), facts.revision());
        Preflight.Context station = engine.context(imei, facts.revision(), options.minHostMemory());
        List<String> notes = Preflight.check(m, device, facts, station, options, request.allowDowngrade(), job.requiredStorage(),
                engine.clock().instant());
        notes.forEach(this::log);
        checkCancelled();
        return facts;
    }

    /**
     * A device in a mode where it cannot say who it is (emergency download) is who the journal
     * says a session found behind this same port before.
     */
    private DeviceFacts known(DeviceFacts facts) throws FlashgateException {
        if (facts.imei() != null && facts.model() != null) {
            return facts;
        }
        var alias = engine.journal().alias(device.id());
        if (alias.isEmpty()) {
            return facts;
        }
        log(device.id() + " is IMEI " + alias.get().imei() + " (" + alias.get().model() + "), as a session bound it on "
                + alias.get().bound());
        return new DeviceFacts(facts.imei() != null ? facts.imei() : alias.get().imei(),
                facts.model() != null ? facts.model() : alias.get().model(), facts.revision(), facts.hardwareRevision(),
                facts.chipset(), facts.versionCode(), facts.securityVersion(), facts.freeStorage());
    }

    /** Prepare, transfer and readback; after a dropped link the device is awaited and the steps run again. */
    private void deviceSteps() throws FlashgateException {
        for (int attempt = 0;; attempt++) {
            try {
                enter(PREPARING, attempt == 0 ? null : "retry " + attempt + " of " + options.retries() + " after the link dropped");
                job.prepare();
                checkCancelled();
                enter(TRANSFERRING, null);
                job.transfer();
                checkCancelled();
                enter(VERIFYING_DEVICE, null);
                job.verifyOnDevice();
                checkCancelled();
                return;
            } catch (FlashgateException e) {
                if (e.code() != ErrorCode.DEVICE_GONE || stalled || cancelled || attempt >= options.retries()) {
                    throw e;
                }
                // seen since the drop: a port discovery attached earlier in this attempt is the one that went away
                Instant dropped = engine.clock().instant();
                closeLinks();
                log("the link dropped (" + e.detail() + "); waiting up to " + options.reconnectTimeout().toSeconds()
                        + " s for the device to come back");
                UpgradeJob j = job;
                device = awaitDevice(d -> j.recognizes(d, deviceId, dropped), options.reconnectTimeout());
            }
        }
    }

    /** The device back running firmware after it was told to restart at {@code told}, and what it says now. */
    private DeviceFacts backAfter(Instant told, String what) throws FlashgateException {
        try {
            UpgradeJob j = job;
            // back running firmware: a device in emergency download has not booted anything
            device = awaitDevice(d -> d.mode() != DeviceMode.EDL && j.recognizes(d, deviceId, told), options.reconnectTimeout());
        } catch (FlashgateException e) {
            if (e.code() != ErrorCode.DEVICE_GONE) {
                throw e;
            }
            throw new FlashgateException(ErrorCode.DEVICE_GONE, "the device did not come back within "
                    + options.reconnectTimeout().toSeconds() + " s of being told to " + what);
        }
        return job.facts();
    }

    /** The device must come back under the same IMEI and run the package's version. */
    private void confirm(Manifest m, DeviceFacts before, Instant told) throws FlashgateException {
        DeviceFacts after = backAfter(told, "start " + m.version());
        closeLinks();
        if (record.imei() == null && after.imei() != null) {
            // started from emergency download, where a device has no IMEI: the journal learns it now
            record = record.withDevice(record.deviceId(), after.imei(), after.model(), record.revisionBefore());
        }
        if (before.imei() != null && after.imei() == null) {
            throw new FlashgateException(ErrorCode.IDENTITY_LOST, "after its reboot the device reports no IMEI (it had "
                    + before.imei() + ")" + restoreHint(before.imei()));
        }
        if (before.imei() != null && !before.imei().equals(after.imei())) {
            // the same device (its socket, its chip) with another identity: what held its own was overwritten
            throw new FlashgateException(ErrorCode.IDENTITY_LOST, "after its reboot the device reports IMEI " + after.imei()
                    + " (it had " + before.imei() + ")" + restoreHint(before.imei()));
        }
        if (!m.version().equals(after.revision())) {
            throw new FlashgateException(ErrorCode.ACTIVATION_FAILED, "after its reboot the device runs " + after.revision()
                    + ", the package is " + m.version());
        }
        log("re-identified IMEI " + after.imei() + " running " + after.revision());
    }

    /** What a technician does about a device that lost its identity: the backups this session kept, if any. */
    private String restoreHint(String imei) throws FlashgateException {
        List<String> kept = engine.journal().backups(imei).stream().filter(b -> b.sessionId().equals(record.id()))
                .map(b -> b.name() + " " + b.sha256()).toList();
        return kept.isEmpty() ? "; no backup of it was kept by this session"
                : "; this session kept " + String.join(", ", kept) + ": 'flashgate restore --device " + imei + " --session "
                        + record.id() + "' writes them back";
    }

    private void failed(FlashgateException e) {
        FlashgateException f = e;
        if (cancelled) {
            f = new FlashgateException(ErrorCode.CANCELLED, "cancelled by the operator in " + record.lastActive()
                    + (e.code() == ErrorCode.CANCELLED ? "" : " (" + e + ")"));
        } else if (stalled && (e.code() == ErrorCode.DEVICE_GONE || e.code() == ErrorCode.DEVICE_STALLED)) {
            f = new FlashgateException(ErrorCode.DEVICE_STALLED, "no data moved for " + options.stallTimeout().toMillis()
                    + " ms in " + record.lastActive() + "; the watchdog closed the link");
        }
        closeLinks();
        SessionState at = record.lastActive();
        DeviceCondition condition = at != null && at.touchesDevice() && job != null ? conditionAfter(at, f)
                : DeviceCondition.untouched("nothing was sent to the device");
        log("failed in " + at + ": " + f);
        finish(cancelled ? CANCELLED : FAILED, f.code(), f.detail(), condition);
    }

    private DeviceCondition conditionAfter(SessionState at, FlashgateException f) {
        try {
            return Objects.requireNonNull(job.condition(at, f), "condition");
        } catch (RuntimeException e) {
            return new DeviceCondition(DeviceCondition.Kind.UNKNOWN, "the plugin could not say (" + e
                    + "); reconnect the device and check what it runs");
        }
    }

    private void enter(SessionState state, String detail) throws FlashgateException {
        record = record.enter(state, engine.clock().instant());
        done = 0;
        total = 0;
        stepStartNanos = 0;
        Transition t = new Transition(++seq, engine.clock().instant(), state, null, detail);
        engine.journal().write(record, t);
        engine.post(this, state, null);
        if (detail != null) {
            log(detail);
        }
    }

    private void finish(SessionState state, ErrorCode code, String detail, DeviceCondition condition) {
        release();
        record = record.withOutcome(code, detail, condition).enter(state, engine.clock().instant());
        try {
            engine.journal().write(record, new Transition(++seq, record.ended(), state, code, detail));
        } catch (FlashgateException | RuntimeException | Error e) {
            log("the journal could not store the outcome: " + e);
        }
        engine.post(this, state, code);
    }

    private void checkCancelled() throws FlashgateException {
        if (cancelled) {
            throw new FlashgateException(ErrorCode.CANCELLED, "cancelled by the operator");
        }
    }

    /** Called by the engine's watchdog tick. */
    void watch(long now) {
        // preflight only reads, with each command's own timeout; the watchdog guards the steps that change the device
        if (!record.state().touchesDevice()) {
            return;
        }
        if (links.idle(now, options.stallTimeout()) && !stalled) {
            stalled = true;
            log("watchdog: no data moved for " + options.stallTimeout().toMillis() + " ms; closing the link");
            closeLinks();
        }
    }

    private void closeLinks() {
        links.closeAll();
    }

    private static String describe(Device d) {
        String model = d.identity() != null && d.identity().model() != null ? d.identity().model() : d.family();
        return model + " (" + d.id() + ")";
    }

    // UpdateSession

    @Override
    public SessionStatus status() {
        long d = done;
        long t = total;
        long start = stepStartNanos;
        double rate = 0;
        Duration eta = null;
        if (start != 0 && d > 0) {
            double seconds = (System.nanoTime() - start) / 1e9;
            rate = seconds > 0 ? d / seconds : 0;
            if (rate > 0 && t >= d) {
                eta = Duration.ofMillis((long) ((t - d) / rate * 1000));
            }
        }
        return new SessionStatus(record, d, t, rate, eta);
    }

    @Override
    public void cancel() {
        if (cancelled || !isRunning()) {
            return;
        }
        cancelled = true;
        log("cancel requested");
        UpgradeJob running = job;
        if (running != null) {
            running.cancel();
        }
        // give the plugin a moment to stop the protocol politely, then take the links away
        engine.schedule(() -> {
            if (ended.getCount() > 0) {
                closeLinks();
            }
        }, Duration.ofSeconds(3));
    }

    @Override
    public SessionStatus await(Duration timeout) throws InterruptedException {
        ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return status();
    }

    /** Until its outcome is written; by then it has let go of the device. */
    boolean isRunning() {
        return !record.state().isFinal();
    }

    // UpgradeContext

    @Override
    public Device device() {
        return device;
    }

    @Override
    public VerifiedPackage pkg() {
        return pkg;
    }

    @Override
    public SerialLink open(String role) throws FlashgateException {
        return open(device, role);
    }

    @Override
    public SerialLink open(Device which, String role) throws FlashgateException {
        if (!which.id().equals(device.id()) && record.imei() != null && aliased.add(which.id())) {
            engine.journal().alias(which.id(), record.imei(), record.model());
        }
        long deadline = System.nanoTime() + PORT_BUSY_WAIT.toNanos();
        while (true) {
            checkCancelled();
            Device now = engine.discovery().devices().stream().filter(d -> d.id().equals(which.id())).findFirst()
                    .orElse(which);
            Optional<PortInfo> port = now.port(role);
            try {
                if (port.isEmpty()) {
                    // a device that just came back shows its ports one by one, as discovery probes them
                    throw new FlashgateException(ErrorCode.DEVICE_GONE, describe(now) + " has no " + role + " port now");
                }
                return links.open(engine.links(), port.get().path());
            } catch (FlashgateException e) {
                // or discovery is probing the port this very moment
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                sleep(100);
            }
        }
    }

    @Override
    public Device awaitDevice(Predicate<Device> match, Duration timeout) throws FlashgateException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            checkCancelled();
            for (Device d : engine.discovery().devices()) {
                if (d.presence() == Device.Presence.PRESENT && match.test(d)) {
                    return d;
                }
            }
            sleep(100);
        }
        throw new FlashgateException(ErrorCode.DEVICE_GONE, "the device did not appear within " + timeout.toSeconds() + " s");
    }

    @Override
    public List<Device> devices() {
        return engine.discovery().devices();
    }

    private static void sleep(long millis) throws FlashgateException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlashgateException(ErrorCode.CANCELLED, "interrupted");
        }
    }

    @Override
    public void progress(long doneBytes, long totalBytes) {
        long now = System.nanoTime();
        if (stepStartNanos == 0) {
            stepStartNanos = now;
        }
        done = doneBytes;
        total = totalBytes;
        links.touch();
        if (now - lastProgressEvent > PROGRESS_EVENT_NANOS || doneBytes == totalBytes) {
            lastProgressEvent = now;
            engine.postProgress(this, doneBytes, totalBytes);
        }
    }

    @Override
    public String backup(String name, BackupSource source) throws FlashgateException {
        BackupStore.Stored kept = engine.backups().store(record.imei(), source);
        journalBackup(name, kept.sha256(), kept.bytes());
        log("kept " + name + " (" + kept.bytes() + " bytes, SHA-256 " + kept.sha256() + ") in " + kept.file());
        return kept.sha256();
    }

    @Override
    public boolean backupKept(String name, String sha256, long bytes) throws FlashgateException {
        if (!engine.backups().holds(record.imei(), sha256, bytes)) {
            return false; // then it is read
        }
        journalBackup(name, sha256, bytes);
        log(name + " holds what " + engine.backups().file(record.imei(), sha256) + " keeps already (SHA-256 " + sha256 + ")");
        return true;
    }

    private void journalBackup(String name, String sha256, long bytes) throws FlashgateException {
        engine.journal().backup(new SessionJournal.Backup(record.id(), record.imei(), name, sha256, bytes, engine.clock().instant()));
    }

    @Override
    public Map<String, String> recordedFacts() throws FlashgateException {
        return record.imei() == null ? Map.of() : engine.journal().facts(record.imei());
    }

    @Override
    public void recordFact(String name, String value) throws FlashgateException {
        if (record.imei() == null) {
            log("not recorded (the device's IMEI is not known): " + name + " " + value);
        } else if (!value.equals(engine.journal().facts(record.imei()).get(name))) {
            engine.journal().fact(record.imei(), name, value);
        }
    }

    @Override
    public void log(String message) {
        synchronized (log) {
            if (log.size() == MAX_LOG_LINES) {
                log.removeFirst();
            }
            log.addLast(engine.clock().instant() + " " + message);
        }
        engine.postLog(this, message);
    }

    @Override
    public List<String> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    @Override
    public boolean cancelled() {
        return cancelled;
    }

    @Override
    public SessionOptions options() {
        return options;
    }

    SessionRecord record() {
        return record;
    }
}
