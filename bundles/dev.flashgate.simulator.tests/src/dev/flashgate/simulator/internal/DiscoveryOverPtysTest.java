package dev.flashgate.simulator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.util.tracker.ServiceTracker;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.Topics;
import dev.flashgate.core.device.Device;
import dev.flashgate.core.device.DeviceDiscovery;
import dev.flashgate.core.device.SerialLink;
import dev.flashgate.core.device.SerialLinks;
import dev.flashgate.device.AtChannel;
import dev.flashgate.device.AtResponse;
import dev.flashgate.device.MemoryPorts;
import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.simulator.Simulators;

/**
 * Simulated devices on real ptys (socat) and the discovery service, wired by Declarative Services
 * as in the product, with Flashgate's home in the test's target folder.
 */
class DiscoveryOverPtysTest {

    private static BundleContext context;
    private static Simulators simulators;
    private static DeviceDiscovery discovery;
    private static SerialLinks links;
    private static Path byId;

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private ServiceRegistration<EventHandler> handler;

    @BeforeAll
    static void services() throws Exception {
        assumeTrue(new ProcessBuilder("sh", "-c", "command -v socat").start().waitFor() == 0, "socat makes the ptys");
        context = FrameworkUtil.getBundle(SimulatorFarm.class).getBundleContext();
        simulators = service(Simulators.class);
        discovery = service(DeviceDiscovery.class);
        links = service(SerialLinks.class);
        byId = ((SimulatorFarm) simulators).byIdFolder();
    }

    private static <T> T service(Class<T> type) throws InterruptedException {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        T s = tracker.waitForService(10_000);
        assertTrue(s != null, type.getSimpleName() + " is registered");
        return s;
    }

    @BeforeEach
    void listen() {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, Topics.DEVICE_ALL);
        handler = context.registerService(EventHandler.class, events::add, props);
    }

    @AfterEach
    void stop() throws Exception {
        handler.unregister();
        for (AutoCloseable c : cleanup) {
            c.close();
        }
        simulators.running().forEach(SimulatedDevice::close);
    }

    private SimulatedDevice hotspot(String serial) throws Exception {
        SimulatedDevice d = ((SimulatorFarm) simulators).startFactoryNew(Hotspot.MODEL, serial);
        cleanup.add(d);
        return d;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(20);
        }
    }

    private boolean event(String topic, String imei) {
        return events.stream().anyMatch(e -> e.getTopic().equals(topic) && imei.equals(e.getProperty(Topics.KEY_IMEI)));
    }

    @Test
    void aSimulatedHotspotAnswersOnItsPty() throws Exception {
        SimulatedDevice hs = hotspot("PTY1");
        assertEquals(1, hs.hostPorts().size());
        assertTrue(hs.hostPorts().get(0).endsWith("usb-ZTE_HS920S_PTY1-if00-port0"));
        try (SerialLink link = links.open(hs.hostPorts().get(0))) {
            AtChannel at = new AtChannel(link);
            AtResponse ati = at.command("ATI", Duration.ofSeconds(2));
            assertTrue(ati.ok());
            assertEquals("HS920S", ati.value("Model:"));
            assertEquals(hs.imei(), ati.value("IMEI:"));
            assertEquals(15, hs.imei().length());
            assertEquals("+FGSTOR: " + (48L << 20) + "," + (64L << 20), at.command("AT+FGSTOR?", Duration.ofSeconds(2)).lines().get(0));
            assertEquals("ERROR", at.command("AT+NOSUCHTHING", Duration.ofSeconds(2)).result());
        }
    }

    @Test
    void devicesAreDiscoveredIdentifiedAndFollowedAcrossReenumeration() throws Exception {
        SimulatedDevice a = hotspot("FOLLOW1");
        SimulatedDevice b = hotspot("FOLLOW2");
        discovery.rescan();
        Device found = discovery.byImei(a.imei()).orElseThrow();
        assertEquals(Device.Presence.PRESENT, found.presence());
        assertEquals("HS920S", found.identity().model());
        assertEquals("FG_HS920S_A01", found.identity().revision());
        assertEquals("ab-hotspot", found.family());
        assertEquals("at", found.ports().get(0).role());
        assertEquals("imei:" + a.imei(), found.id());
        await("ADDED for both", () -> event(Topics.DEVICE_ADDED, a.imei()) && event(Topics.DEVICE_ADDED, b.imei()));

        a.reenumerate();
        // the pty node may or may not get the same number again; either way discovery must see the
        // device leave and come back, and keep it as the same device
        await("the hotspot came back", () -> events.stream().filter(e -> e.getTopic().equals(Topics.DEVICE_ADDED)
                && a.imei().equals(e.getProperty(Topics.KEY_IMEI))).count() >= 2);
        assertTrue(event(Topics.DEVICE_REMOVED, a.imei()));
        Device back = discovery.byImei(a.imei()).orElseThrow();
        assertEquals("imei:" + a.imei(), back.id(), "the same device, not a new one");
        assertEquals(Device.Presence.PRESENT, back.presence());
        assertEquals(a.hostPorts().get(0), back.ports().get(0).stableName() == null ? null
                : a.hostPorts().get(0).substring(0, a.hostPorts().get(0).lastIndexOf('/') + 1) + back.ports().get(0).stableName());

        b.close();
        await("the unplugged one is gone", () -> discovery.byImei(b.imei()).orElseThrow().presence() == Device.Presence.GONE);
        await("REMOVED was posted", () -> event(Topics.DEVICE_REMOVED, b.imei()));
        assertEquals(Device.Presence.PRESENT, discovery.byImei(a.imei()).orElseThrow().presence());
    }

    @Test
    void silentGarbageAndVanishingPortsAreLeftAlone() throws Exception {
        PtyPair silent = PtyPair.open(byId.resolveSibling("t-silent"), byId.resolve("usb-Acme_Silent_S1-if00-port0"));
        cleanup.add(silent);
        PtyPair garbage = PtyPair.open(byId.resolveSibling("t-garbage"), byId.resolve("usb-Acme_Garbage_G1-if00-port0"));
        cleanup.add(garbage);
        SerialLink spewer = links.open(garbage.deviceEnd().toString());
        cleanup.add(spewer);
        Thread noise = new Thread(() -> {
            Random random = new Random(1);
            byte[] junk = new byte[64];
            try {
                while (spewer.isOpen()) {
                    random.nextBytes(junk);
                    spewer.write(junk);
                    Thread.sleep(5);
                }
            } catch (FlashgateException | InterruptedException e) {
                // the test is over
            }
        });
        noise.setDaemon(true);
        noise.start();
        PtyPair vanishing = PtyPair.open(byId.resolveSibling("t-vanish"), byId.resolve("usb-Acme_Vanish_V1-if00-port0"));
        SerialLink vanishingEnd = links.open(vanishing.deviceEnd().toString());
        Thread answerThenVanish = new Thread(() -> {
            byte[] buffer = new byte[64];
            try {
                StringBuilder seen = new StringBuilder();
                while (true) {
                    int n = vanishingEnd.read(buffer, 0, buffer.length, Duration.ofMillis(100));
                    seen.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
                    if (seen.indexOf("ATI\r") >= 0) {
                        vanishingEnd.close();
                        vanishing.close();
                        return;
                    }
                    if (seen.indexOf("AT\r") >= 0) {
                        seen.setLength(0);
                        vanishingEnd.write("\r\nOK\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                }
            } catch (FlashgateException e) {
                // closed
            }
        });
        answerThenVanish.setDaemon(true);
        answerThenVanish.start();
        SimulatedDevice real = hotspot("AMONG1");

        discovery.rescan();
        await("the real device is found among the odd ports", () -> discovery.byImei(real.imei())
                .filter(d -> d.presence() == Device.Presence.PRESENT).isPresent());
        answerThenVanish.join(5000);
        discovery.rescan();
        Set<String> presentPorts = discovery.devices().stream().filter(d -> d.presence() == Device.Presence.PRESENT)
                .flatMap(d -> d.ports().stream()).map(p -> p.stableName() == null ? p.path() : p.stableName())
                .collect(Collectors.toSet());
        assertTrue(presentPorts.stream().noneMatch(p -> p.contains("Acme")), "no device for " + presentPorts);
    }

    @Test
    void withoutPtysDevicesRunOnInMemoryPortsAndAreDiscoveredToo() throws Exception {
        MemoryPorts memory = service(MemoryPorts.class);
        SimulatorFarm inMemory = new SimulatorFarm(links, memory, java.nio.file.Files.createTempDirectory("sim-mem"), false);
        SimulatedDevice hs = inMemory.start(Hotspot.MODEL, "MEM001");
        SimulatedDevice modem = inMemory.start(Modem.MODEL, "MEM002");
        cleanup.add(inMemory::close);
        assertEquals(List.of("mem:usb-ZTE_HS920S_MEM001-if00-port0"), hs.hostPorts());
        try (SerialLink link = links.open(hs.hostPorts().get(0))) {
            assertEquals(hs.imei(), new AtChannel(link).command("ATI", Duration.ofSeconds(2)).value("IMEI:"));
        }
        discovery.rescan();
        Device found = discovery.byImei(hs.imei()).orElseThrow();
        assertEquals(Device.Presence.PRESENT, found.presence());
        assertEquals("mem:usb-ZTE_HS920S_MEM001-if00-port0", found.ports().get(0).path());
        assertEquals("19d2:16f0", found.ports().get(0).usb().toString());
        Device mf = discovery.byImei(modem.imei()).orElseThrow();
        assertEquals(List.of("diag", "at"), mf.ports().stream().map(p -> p.role()).sorted(java.util.Comparator.reverseOrder()).toList());

        hs.reenumerate();
        await("the in-memory hotspot came back", () -> events.stream().filter(e -> e.getTopic().equals(Topics.DEVICE_ADDED)
                && hs.imei().equals(e.getProperty(Topics.KEY_IMEI))).count() >= 2);
        hs.close();
        await("unplugged in memory is gone", () -> discovery.byImei(hs.imei()).orElseThrow().presence() == Device.Presence.GONE);
    }

    @Test
    void aDiagPortJoinsItsDeviceByTheImeiItReportsWhateverItsName() throws Exception {
        MemoryPorts memory = service(MemoryPorts.class);
        String imei = "866123456789012";
        SerialLink atEnd = memory.plug("usb-ZTE_MF833V_AT77-if02-port0");
        SerialLink diagEnd = memory.plug("usb-ZTE_MF833V_DG88-if00-port0");
        cleanup.add(atEnd);
        cleanup.add(diagEnd);
        AtResponder at = new AtResponder(atEnd, command -> {
            AtResponder.Reply r = ZteAtIdentity.reply(command, "MF833V", "BD_MF833VV1.0.0B06", imei, "MF833V");
            return r != null ? r : AtResponder.Reply.error();
        });
        DiagResponder diag = new DiagResponder(diagEnd, imei, () -> { });
        cleanup.add(at::stop);
        cleanup.add(diag::stop);
        for (Runnable r : List.<Runnable>of(at, diag)) {
            Thread t = new Thread(r, "pairing-test");
            t.setDaemon(true);
            t.start();
        }
        discovery.rescan();
        Device device = discovery.byImei(imei).orElseThrow();
        assertEquals(List.of("at", "diag"), device.ports().stream().map(p -> p.role()).sorted().toList(),
                "both ports on one device although their names share nothing: " + device);
        assertEquals("MF833V", device.identity().model());
        assertEquals("MDM9x07", device.chipset());
    }

    @Test
    void sixteenHotspotsAreDiscoveredAsSixteenDevices() throws Exception {
        List<SimulatedDevice> many = new ArrayList<>();
        for (int i = 1; i <= 16; i++) {
            many.add(hotspot(String.format("MANY%02d", i)));
        }
        discovery.rescan();
        await("all sixteen identified", () -> many.stream().allMatch(d -> discovery.byImei(d.imei())
                .filter(x -> x.presence() == Device.Presence.PRESENT).isPresent()));
        assertEquals(16, many.stream().map(SimulatedDevice::imei).distinct().count());
        assertEquals(16, many.stream().map(d -> discovery.byImei(d.imei()).orElseThrow().ports().get(0).path()).distinct().count());
    }
}
