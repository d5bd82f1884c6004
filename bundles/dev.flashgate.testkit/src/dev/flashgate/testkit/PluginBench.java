package dev.flashgate.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.util.tracker.ServiceTracker;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.Topics;
import dev.flashgate.core.device.Device;
import dev.flashgate.core.device.DeviceDiscovery;
import dev.flashgate.core.pkg.KeyRequest;
import dev.flashgate.core.pkg.PackRequest;
import dev.flashgate.core.pkg.PackageBuilder;
import dev.flashgate.core.pkg.PackageSigner;
import dev.flashgate.core.pkg.SigningCredentials;
import dev.flashgate.core.pkg.SigningKeys;
import dev.flashgate.core.pkg.TrustAnchors;
import dev.flashgate.core.session.SessionJournal;
import dev.flashgate.simulator.DemoFirmware;
import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.simulator.Simulators;
import dev.flashgate.upgrade.PluginInstaller;
import dev.flashgate.upgrade.SessionOptions;
import dev.flashgate.upgrade.SessionRequest;
import dev.flashgate.upgrade.SessionStatus;
import dev.flashgate.upgrade.UpdateSession;
import dev.flashgate.upgrade.UpdateSessions;

/**
 * The bench a plugin is tested on: the running Flashgate services, a vendor CA of its own,
 * simulated devices with fresh serials, and a record of the session events posted.
 */
public final class PluginBench implements AutoCloseable {

    /** A device left inside a transfer answers again only when its receiver gives up (30 s on the simulators). */
    private static final Duration DISCOVERY_PATIENCE = Duration.ofSeconds(45);

    private final BundleContext context = FrameworkUtil.getBundle(PluginBench.class).getBundleContext();
    private final Path dir;
    private final SigningCredentials ca;
    private final SigningCredentials vendor;
    private final SigningCredentials stranger;
    private final TrustAnchors anchors;
    private final Map<String, List<String>> states = new ConcurrentHashMap<>();
    private final ServiceRegistration<EventHandler> handler;
    private final List<SimulatedDevice> started = new ArrayList<>();
    private final List<Thread> helpers = new ArrayList<>();
    private SigningCredentials pluginVendor;
    private String pluginAnchor;

    public PluginBench(Path dir) throws Exception {
        this.dir = dir;
        SigningKeys keys = service(SigningKeys.class);
        ca = keys.generate(new KeyRequest("CN=Contract kit CA", KeyRequest.KeyType.EC_P256, Duration.ofDays(30), true, null));
        vendor = keys.generate(new KeyRequest("CN=Contract kit vendor", KeyRequest.KeyType.EC_P256, Duration.ofDays(30), false, ca));
        SigningCredentials otherCa = keys.generate(new KeyRequest("CN=Someone else", KeyRequest.KeyType.EC_P256, Duration.ofDays(30), true, null));
        stranger = keys.generate(new KeyRequest("CN=Someone else's signer", KeyRequest.KeyType.EC_P256, Duration.ofDays(30), false, otherCa));
        anchors = new TrustAnchors(List.of(ca.certificate()), "contract kit CA");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, Topics.SESSION_ALL);
        handler = context.registerService(EventHandler.class, event -> {
            Object session = event.getProperty(Topics.KEY_SESSION);
            Object state = event.getProperty(Topics.KEY_STATE);
            if (session != null && state != null) {
                states.computeIfAbsent(session.toString(), k -> Collections.synchronizedList(new ArrayList<>())).add(state.toString());
            }
        }, props);
    }

    public <T> T service(Class<T> type) throws InterruptedException {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        T s = tracker.waitForService(TimeUnit.SECONDS.toMillis(20));
        if (s == null) {
            throw new IllegalStateException(type.getSimpleName() + " was not registered");
        }
        return s;
    }

    public UpdateSessions sessions() throws InterruptedException {
        return service(UpdateSessions.class);
    }

    public SessionJournal journal() throws InterruptedException {
        return service(SessionJournal.class);
    }

    /** A simulated device with a serial never used before, so it starts from its factory state. */
    public SimulatedDevice start(String model) throws Exception {
        String serial = "K" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFFL).toUpperCase();
        SimulatedDevice device = service(Simulators.class).start(model, serial);
        started.add(device);
        return device;
    }

    /** Waits until discovery has identified the device as running its current revision. */
    public Device discovered(SimulatedDevice device) throws Exception {
        DeviceDiscovery discovery = service(DeviceDiscovery.class);
        long deadline = System.nanoTime() + DISCOVERY_PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            List<String> current = device.hostPorts().stream().map(PluginBench::realPath).toList();
            Instant plugged = pluggedIn(device);
            Optional<Device> d = discovery.byImei(device.imei()).filter(x -> x.presence() == Device.Presence.PRESENT)
                    .filter(x -> x.identity() != null && device.revision().equals(x.identity().revision()))
                    .filter(x -> !current.isEmpty() && x.ports().stream().map(p -> p.path()).toList().containsAll(current))
                    .filter(x -> !x.lastSeen().isBefore(plugged));
            if (d.isPresent()) {
                return d.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("discovery did not identify " + device.model() + " " + device.imei() + " running "
                + device.revision() + " on " + device.hostPorts().stream().map(PluginBench::realPath).toList() + "; it shows "
                + discovery.devices());
    }

    /**
     * When the device's ports were last plugged in (its by-id links were made then): a discovery
     * record older than that describes the ports it had before (pty numbers are reused).
     */
    private static Instant pluggedIn(SimulatedDevice device) {
        Instant newest = Instant.EPOCH;
        for (String port : device.hostPorts()) {
            try {
                Instant made = Files.readAttributes(Path.of(port), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                        .lastModifiedTime().toInstant();
                newest = made.isAfter(newest) ? made : newest;
            } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
                // an in-memory port has no link: its record is always current
            }
        }
        return newest;
    }

    /** The node a by-id link points to now (discovery knows ports by node), or the path itself. */
    private static String realPath(String path) {
        try {
            return Path.of(path).toRealPath().toString();
        } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
            return path;
        }
    }

    /** Packs and signs a package; {@code trusted} false signs it with a certificate the bench's anchors do not trust. */
    public Path pack(String name, Map<String, Object> fields, List<PackRequest.Source> files, boolean trusted) throws FlashgateException {
        Path out = dir.resolve(name + ".fgp");
        service0(PackageBuilder.class).pack(new PackRequest(null, fields, files, out, false));
        service0(PackageSigner.class).sign(out, trusted ? vendor : stranger);
        return out;
    }

    /**
     * A trusted package for the simulated MF833S modem (plugin {@code qualcomm-firehose}): the demo
     * Firehose programmer, a NAND layout and a modem image of {@code imageSize} bytes.
     */
    public Path modemPackage(String version, int imageSize) throws IOException, FlashgateException {
        Path files = Files.createDirectories(dir.resolve(version));
        Path programmer = files.resolve("prog_nand_firehose_9x07.mbn");
        DemoFirmware.programmer(programmer);
        Path image = files.resolve("modem.ubi");
        DemoFirmware.image(image, "MF833S", version, 3, imageSize, version.hashCode());
        Path layout = files.resolve("rawprogram_nand.xml");
        DemoFirmware.layout(layout, "images/modem.ubi", Files.size(image));
        return pack(version, Map.of("vendor", "Test", "version", version, "versionCode", (long) version.hashCode() & 0xFFFF,
                "securityVersion", 3L, "target.plugin", "qualcomm-firehose", "target.chipset", "MDM9x07",
                "target.models", List.of("MF833S")),
                List.of(new PackRequest.Source(programmer, "firehose/prog_nand_firehose_9x07.mbn", "programmer"),
                        new PackRequest.Source(layout, "firehose/rawprogram_nand.xml", "layout"),
                        new PackRequest.Source(image, "images/modem.ubi", "image")), true);
    }

    /** A trusted package for the simulated HS920S hotspot (plugin {@code at-ymodem}) with an image of {@code imageSize} bytes. */
    public Path hotspotPackage(String version, int imageSize) throws IOException, FlashgateException {
        Path image = Files.createDirectories(dir.resolve(version)).resolve("hs920s.bin");
        DemoFirmware.image(image, "HS920S", version, 3, imageSize, version.hashCode());
        return pack(version, Map.of("vendor", "Test", "version", version, "versionCode", (long) version.hashCode() & 0xFFFF,
                "securityVersion", 3L, "target.plugin", "at-ymodem", "target.models", List.of("HS920S")),
                List.of(new PackRequest.Source(image, "images/hs920s.bin", "image")), true);
    }

    /**
     * The jar this build made of {@code bundle} (under {@code bundles/<bundle>/target} of the reactor
     * named by the {@code flashgate.reactor} property), copied to the bench's folder as {@code name}.
     */
    public static Path builtJar(String bundle, Path copy) throws IOException {
        Path target = Path.of(System.getProperty("flashgate.reactor"), "bundles", bundle, "target");
        String pattern = java.util.regex.Pattern.quote(bundle) + "-[0-9.]+(-SNAPSHOT)?\\.jar";
        try (java.util.stream.Stream<Path> jars = Files.list(target)) {
            Path built = jars.filter(p -> p.getFileName().toString().matches(pattern)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + bundle + " jar in " + target + ": build it first"));
            return Files.copy(built, copy);
        }
    }

    private <T> T service0(Class<T> type) {
        try {
            return service(type);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A plugin vendor's code-signing key and certificate whose CA the station trusts for plugins
     * (its plugin trust anchors) until the bench is closed: for signing plugin jars to install.
     */
    public synchronized SigningCredentials pluginVendor() throws Exception {
        if (pluginVendor == null) {
            SigningKeys keys = service(SigningKeys.class);
            SigningCredentials ca = keys.generate(new KeyRequest("CN=Plugin vendor CA", KeyRequest.KeyType.EC_P256, Duration.ofDays(30),
                    true, null));
            pluginVendor = keys.generate(new KeyRequest("CN=Plugin vendor", KeyRequest.KeyType.EC_P256, Duration.ofDays(30), false, ca));
            Path pem = dir.resolve("plugin-vendor-ca.pem");
            keys.write(ca, dir.resolve("plugin-vendor-ca.key.pem"), pem);
            pluginAnchor = service(PluginInstaller.class).trust().add(pem).get(0).sha256Fingerprint();
        }
        return pluginVendor;
    }

    /** The bench's vendor CA, the only anchor its trusted packages chain to. */
    public TrustAnchors anchors() {
        return anchors;
    }

    /** The bench's vendor CA as a PEM file (its key beside it, {@code .key}), for what reads anchors from files. */
    public Path anchorsPem(Path file) throws FlashgateException {
        service0(SigningKeys.class).write(ca, file.resolveSibling(file.getFileName() + ".key"), file);
        return file;
    }

    /** The station home the engine under test uses (its journal, backups, plugins). */
    public Path home() {
        return dev.flashgate.core.FlashgateHome.resolve(context.getProperty(dev.flashgate.core.FlashgateHome.PROPERTY));
    }

    public Path dir() {
        return dir;
    }

    public SessionRequest request(Path pkg, Device device, SessionOptions options, boolean allowDowngrade) {
        return new SessionRequest(pkg, device.id(), anchors, allowDowngrade, options);
    }

    /** Runs a session to its end. */
    public SessionStatus run(SessionRequest request) throws Exception {
        UpdateSession session = sessions().start(request);
        SessionStatus end = session.await(Duration.ofSeconds(90));
        if (!end.record().state().isFinal()) {
            session.cancel();
            throw new AssertionError("the session did not end within 90 s: " + end.record() + "\n" + String.join("\n", session.log()));
        }
        return end;
    }

    /** The session states posted as events, in the order they arrived; waits briefly for the last one. */
    public List<String> events(String sessionId, String last) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            List<String> seen = states.getOrDefault(sessionId, List.of());
            synchronized (seen) {
                if (!seen.isEmpty() && seen.get(seen.size() - 1).equals(last)) {
                    return List.copyOf(seen);
                }
            }
            Thread.sleep(20);
        }
        return List.copyOf(states.getOrDefault(sessionId, List.of()));
    }

    /** Plays the technician: once the device has dropped off the bus, plugs it back in. */
    public void replugWhenGone(SimulatedDevice device) {
        Thread t = new Thread(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            try {
                while (!device.hostPorts().isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                Thread.sleep(300);
                device.reenumerate();
            } catch (Exception e) {
                // the test sees the device missing
            }
        }, "bench-replug-" + device.serial());
        t.setDaemon(true);
        t.start();
        helpers.add(t);
    }

    /**
     * Plugs a device back in if it is off the bus and returns it as discovery shows it now, in
     * whatever mode it came up (a modem with a torn flash comes up in emergency download, without
     * an identity).
     */
    public Device present(SimulatedDevice device) throws Exception {
        if (device.hostPorts().isEmpty()) {
            device.reenumerate();
        }
        DeviceDiscovery discovery = service(DeviceDiscovery.class);
        long deadline = System.nanoTime() + DISCOVERY_PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            Instant plugged = pluggedIn(device);
            List<String> current = device.hostPorts().stream().map(PluginBench::realPath).toList();
            // all of its ports, as a technician sees the device once discovery has probed each one
            Optional<Device> d = current.isEmpty() ? Optional.empty() : discovery.byPort(current.get(0))
                    .filter(x -> x.presence() == Device.Presence.PRESENT).filter(x -> !x.lastSeen().isBefore(plugged))
                    .filter(x -> x.ports().stream().map(p -> p.path()).toList().containsAll(current));
            if (d.isPresent()) {
                return d.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("discovery does not show " + device.model() + " " + device.serial() + " on " + device.hostPorts()
                + "; it shows " + discovery.devices());
    }

    /** Plugs a device back in if it is off the bus, and waits until discovery knows it again. */
    public Device powerBack(SimulatedDevice device) throws Exception {
        if (device.hostPorts().isEmpty()) {
            device.reenumerate();
        }
        return discovered(device);
    }

    @Override
    public void close() throws Exception {
        if (pluginAnchor != null) {
            service(PluginInstaller.class).trust().remove(pluginAnchor);
        }
        for (Thread t : helpers) {
            t.join(5000);
        }
        handler.unregister();
        started.forEach(SimulatedDevice::close);
        try (var files = Files.list(dir)) {
            files.filter(p -> p.toString().endsWith(".fgp")).forEach(p -> p.toFile().delete());
        }
    }
}
