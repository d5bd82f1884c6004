package dev.flashgate.device.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.FlashgateHome;
import dev.flashgate.core.Topics;
import dev.flashgate.core.device.Device;
import dev.flashgate.core.device.DeviceDiscovery;
import dev.flashgate.core.device.DeviceMode;
import dev.flashgate.core.device.Identity;
import dev.flashgate.core.device.PortInfo;
import dev.flashgate.core.device.SerialLink;
import dev.flashgate.core.device.SerialLinks;
import dev.flashgate.device.DiagNv;
import dev.flashgate.device.MemoryPorts;

/**
 * Polls the ports four times a second, probes new AT-capable ports in parallel, groups the ports
 * of one USB device, and keeps each device's identity across re-enumeration: the same IMEI on a
 * new port is the same device. A device without ports is kept as gone for a grace period.
 */
@Component(service = DeviceDiscovery.class)
public final class SerialDiscovery implements DeviceDiscovery {

    /** Where simulated devices publish their by-id links, below Flashgate's home. */
    public static final String SIMULATOR_BY_ID = "sim/by-id";
    static final Path SYSTEM_BY_ID = Paths.get("/dev/serial/by-id");
    /** How often a port the table says speaks AT is asked before it counts as silent. */
    private static final int AT_PORT_ATTEMPTS = 3;
    /** How often a port the table says speaks AT is asked again while it stays silent. */
    private static final Duration SILENT_AT_RETRY = Duration.ofSeconds(3);
    /** How soon a port that was busy is probed again. */
    private static final Duration BUSY_RETRY = Duration.ofSeconds(1);

    private final SerialLinks links;
    private final PortScanner scanner;
    private final IdentityProber prober;
    private final Duration grace;
    private final Clock clock;
    private final Consumer<Event> publisher;
    private final ScheduledExecutorService poller;
    private final ExecutorService probes;
    private final Set<String> configured = ConcurrentHashMap.newKeySet();

    // Guarded by this.
    private final Map<String, PortInfo> ports = new HashMap<>();
    private final Map<String, String> generations = new HashMap<>();
    private final Map<String, Integer> attempts = new HashMap<>();
    private final Set<String> probing = new HashSet<>();
    private final Set<String> notModems = new HashSet<>();
    private final Map<String, Tracked> devices = new HashMap<>();
    private final Map<String, Tracked> deviceOfPort = new HashMap<>();
    private final DeviceTable table;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin events;

    /** A device as discovery tracks it; turned into an immutable {@link Device} for callers. */
    private static final class Tracked {
        String id;
        Identity identity;
        DeviceTable.Entry kind;
        final Set<String> ports = new LinkedHashSet<>();
        Device.Presence presence = Device.Presence.PRESENT;
        Instant lastSeen;
    }

    @Activate
    public SerialDiscovery(@Reference SerialLinks links, @Reference MemoryPorts memory, BundleContext context) {
        this(links, memory, List.of(SYSTEM_BY_ID, FlashgateHome.resolve(context.getProperty(FlashgateHome.PROPERTY))
                .resolve(SIMULATOR_BY_ID)), true, Duration.ofMillis(250), Duration.ofMinutes(2), null);
    }

    /** For a discovery of chosen folders, e.g. in tests; {@code publisher} null posts to EventAdmin. */
    public SerialDiscovery(SerialLinks links, MemoryPorts memory, List<Path> byIdFolders, boolean systemPorts, Duration poll,
            Duration grace, Consumer<Event> publisher) {
        this.links = links;
        this.table = DeviceTable.load();
        this.scanner = new PortScanner(table, byIdFolders, systemPorts, memory::plugged);
        this.prober = new IdentityProber(Duration.ofMillis(500), Duration.ofSeconds(1));
        this.grace = grace;
        this.clock = Clock.systemUTC();
        this.publisher = publisher != null ? publisher : this::post;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "flashgate-discovery"));
        this.probes = Executors.newFixedThreadPool(16, r -> daemon(r, "flashgate-probe"));
        poller.scheduleWithFixedDelay(this::scanQuietly, 0, poll.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Deactivate
    public void close() {
        poller.shutdownNow();
        probes.shutdownNow();
    }

    @Override
    public synchronized List<Device> devices() {
        return devices.values().stream().map(this::snapshot)
                .sorted(Comparator.comparing((Device d) -> d.presence()).thenComparing(Device::id)).toList();
    }

    @Override
    public synchronized Optional<Device> byImei(String imei) {
        return Optional.ofNullable(devices.get("imei:" + imei)).map(this::snapshot);
    }

    @Override
    public synchronized Optional<Device> byPort(String path) {
        String real = realPath(path);
        return Optional.ofNullable(deviceOfPort.get(real)).map(this::snapshot);
    }

    @Override
    public void addPort(String path) {
        configured.add(path);
    }

    @Override
    public void removePort(String path) {
        configured.remove(path);
    }

    @Override
    public void rescan() {
        scan();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        synchronized (this) {
            while (!probing.isEmpty() && System.nanoTime() < deadline) {
                try {
                    wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void scanQuietly() {
        try {
            scan();
        } catch (RuntimeException e) {
            // a scan that failed is retried at the next poll; discovery must keep running
        }
    }

    private synchronized void scan() {
        Map<String, PortScanner.Scanned> now = scanner.scan(Set.copyOf(configured));
        for (String path : new ArrayList<>(ports.keySet())) {
            PortScanner.Scanned after = now.get(path);
            if (after == null || !Objects.equals(ports.get(path).stableName(), after.info().stableName())
                    || !Objects.equals(generations.get(path), after.generation())) {
                portGone(path);
            }
        }
        for (PortScanner.Scanned scanned : now.values()) {
            PortInfo port = scanned.info();
            if (!ports.containsKey(port.path())) {
                ports.put(port.path(), port);
                generations.put(port.path(), scanned.generation());
                portArrived(port);
            }
        }
        Instant forgetBefore = clock.instant().minus(grace);
        devices.values().removeIf(d -> d.presence == Device.Presence.GONE && d.lastSeen.isBefore(forgetBefore));
    }

    private void portArrived(PortInfo port) {
        if (notModems.contains(port.path())) {
            return;
        }
        if ("diag".equals(port.role())) {
            probing.add(port.path());
            probes.submit(() -> probeDiag(port));
            return;
        }
        boolean speaksAt = port.role() == null || "at".equals(port.role());
        if (!speaksAt) {
            attach(port, null);
            return;
        }
        probing.add(port.path());
        probes.submit(() -> probe(port));
    }

    private void probe(PortInfo port) {
        Identity identity = null;
        boolean modem = true;
        boolean vanished = false;
        try (SerialLink link = links.open(port.path())) {
            identity = prober.probe(link);
        } catch (IdentityProber.NotAModem e) {
            modem = false;
        } catch (FlashgateException | RuntimeException e) {
            vanished = true;
        }
        synchronized (this) {
            probing.remove(port.path());
            notifyAll();
            if (!ports.containsKey(port.path())) {
                return;
            }
            if (vanished) {
                // still listed but could not be opened: another process (an update session) holds it; ask again
                // later, without making rescan() wait for it
                poller.schedule(() -> probes.submit(() -> probe(port)), BUSY_RETRY.toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            if (!modem && "at".equals(port.role()) && attempts.merge(port.path(), 1, Integer::sum) < AT_PORT_ATTEMPTS) {
                // the table says this port speaks AT: a device just enumerated may not answer yet
                probing.add(port.path());
                poller.schedule(() -> probes.submit(() -> probe(port)), 1, TimeUnit.SECONDS);
                return;
            }
            if (!modem && "at".equals(port.role())) {
                // the table says it speaks AT: it is busy (booting, or stuck in a transfer); show it once, ask again later
                if (!deviceOfPort.containsKey(port.path())) {
                    attach(port, null);
                }
                poller.schedule(() -> probes.submit(() -> probe(port)), SILENT_AT_RETRY.toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            if (!modem) {
                notModems.add(port.path());
                if (table.lookup(port.usb()).isPresent()) {
                    attach(port, null);
                }
                return;
            }
            PortInfo seen = port;
            if (port.role() == null) {
                // not in the device table, but it answered AT: that is what it speaks (a plugin may handle it)
                seen = port.withRole("at");
                ports.put(seen.path(), seen);
            }
            attach(seen, identity);
        }
    }

    /** Reads the IMEI over DIAG (NV item 550), so the port joins its device whatever its name. */
    private void probeDiag(PortInfo port) {
        String imei = null;
        try (SerialLink link = links.open(port.path())) {
            DiagNv.ImeiItem item = DiagNv.readImei(link, Duration.ofMillis(500));
            imei = item == null ? null : item.imei();
        } catch (FlashgateException | RuntimeException e) {
            // busy or gone: the port is attached by its name alone
        }
        synchronized (this) {
            probing.remove(port.path());
            notifyAll();
            if (ports.containsKey(port.path())) {
                attach(port, imei == null ? null : new Identity(null, null, null, imei));
            }
        }
    }

    /** Puts a port on its device: by IMEI first, then by the USB device it shares with other ports. */
    private void attach(PortInfo port, Identity identity) {
        String group = group(port);
        Tracked sibling = devices.values().stream()
                .filter(d -> d.presence == Device.Presence.PRESENT && d.ports.stream().anyMatch(p -> group.equals(group(ports.get(p)))))
                .findFirst().orElse(null);
        Tracked device = sibling;
        if (identity != null && identity.hasImei()) {
            String imeiId = "imei:" + identity.imei();
            Tracked known = devices.get(imeiId);
            if (device != null && device != known && device.id.startsWith("port:")) {
                devices.remove(device.id);
                if (known != null) {
                    known.ports.addAll(device.ports);
                    device.ports.forEach(p -> deviceOfPort.put(p, known));
                    device = known;
                } else {
                    device.id = imeiId;
                    devices.put(imeiId, device);
                }
            } else if (device == null) {
                device = known;
            }
            if (device == null) {
                device = new Tracked();
                device.id = imeiId;
                devices.put(imeiId, device);
            }
        }
        if (device == null) {
            device = new Tracked();
            device.id = "port:" + (port.stableName() != null ? port.stableName() : port.path());
            devices.put(device.id, device);
        }
        boolean returning = device.presence == Device.Presence.GONE || device.ports.isEmpty();
        device.ports.add(port.path());
        deviceOfPort.put(port.path(), device);
        if (identity != null) {
            device.identity = merge(device.identity, identity);
        }
        if (device.kind == null) {
            device.kind = table.lookup(port.usb()).orElse(null);
        }
        device.presence = Device.Presence.PRESENT;
        device.lastSeen = clock.instant();
        publish(returning ? Topics.DEVICE_ADDED : Topics.DEVICE_CHANGED, device);
    }

    /** What both say, the newer one winning where both say something. */
    private static Identity merge(Identity known, Identity fresh) {
        if (known == null) {
            return fresh;
        }
        return new Identity(fresh.manufacturer() != null ? fresh.manufacturer() : known.manufacturer(),
                fresh.model() != null ? fresh.model() : known.model(),
                fresh.revision() != null ? fresh.revision() : known.revision(),
                fresh.imei() != null ? fresh.imei() : known.imei());
    }

    private void portGone(String path) {
        ports.remove(path);
        generations.remove(path);
        attempts.remove(path);
        probing.remove(path);
        notModems.remove(path);
        Tracked device = deviceOfPort.remove(path);
        if (device == null) {
            return;
        }
        device.ports.remove(path);
        device.lastSeen = clock.instant();
        if (device.ports.isEmpty()) {
            device.presence = Device.Presence.GONE;
            publish(Topics.DEVICE_REMOVED, device);
        } else {
            publish(Topics.DEVICE_CHANGED, device);
        }
    }

    /** Ports of one USB device share the by-id name up to the interface number, or the USB serial. */
    private static String group(PortInfo port) {
        if (port.stableName() != null && port.stableName().contains("-if")) {
            return port.stableName().substring(0, port.stableName().lastIndexOf("-if"));
        }
        if (port.usb() != null && port.usbSerial() != null) {
            return port.usb() + "/" + port.usbSerial();
        }
        return port.path();
    }

    private Device snapshot(Tracked t) {
        List<PortInfo> list = t.ports.stream().map(ports::get).filter(Objects::nonNull).toList();
        DeviceTable.Entry kind = t.kind;
        return new Device(t.id, t.identity, kind != null ? kind.vendor() : t.identity != null ? t.identity.manufacturer() : null,
                kind != null ? kind.family() : null, kind != null ? kind.chipset() : null,
                kind != null ? kind.mode() : DeviceMode.UNKNOWN, list, t.presence, t.lastSeen);
    }

    private void publish(String topic, Tracked device) {
        Device d = snapshot(device);
        Map<String, Object> props = new HashMap<>();
        props.put(Topics.KEY_DEVICE, d.id());
        if (d.identity() != null && d.identity().imei() != null) {
            props.put(Topics.KEY_IMEI, d.identity().imei());
        }
        if (d.identity() != null && d.identity().model() != null) {
            props.put(Topics.KEY_MODEL, d.identity().model());
        }
        props.put(Topics.KEY_PORTS, d.ports().stream().map(PortInfo::path).toArray(String[]::new));
        publisher.accept(new Event(topic, props));
    }

    private void post(Event event) {
        EventAdmin admin = events;
        if (admin != null) {
            admin.postEvent(event);
        }
    }

    private static String realPath(String path) {
        if (path.startsWith(MemoryPorts.PREFIX)) {
            return path;
        }
        try {
            return Paths.get(path).toRealPath().toString();
        } catch (IOException e) {
            return path;
        }
    }
}
