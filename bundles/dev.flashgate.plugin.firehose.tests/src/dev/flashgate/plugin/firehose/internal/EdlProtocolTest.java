package dev.flashgate.plugin.firehose.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;
import dev.flashgate.core.device.SerialLinks;
import dev.flashgate.device.AtChannel;
import dev.flashgate.device.Hdlc;
import dev.flashgate.simulator.DemoFirmware;
import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.simulator.Simulators;

/** The Sahara and Firehose hosts against the simulated MDM9x07 modem, byte for byte over its ports. */
class EdlProtocolTest {

    @TempDir
    Path dir;

    private final List<SimulatedDevice> devices = new ArrayList<>();

    @AfterEach
    void unplug() {
        devices.forEach(SimulatedDevice::close);
    }

    private static <T> T service(Class<T> type) throws InterruptedException {
        BundleContext context = FrameworkUtil.getBundle(EdlProtocolTest.class).getBundleContext();
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        T s = tracker.waitForService(10_000);
        assertTrue(s != null, type.getSimpleName() + " is registered");
        return s;
    }

    private SimulatedDevice modem() throws Exception {
        SimulatedDevice m = service(Simulators.class).start("MF833S", "FH" + Integer.toHexString(new Random().nextInt() >>> 4));
        devices.add(m);
        return m;
    }

    private static String port(SimulatedDevice d, String contains) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (String p : d.hostPorts()) {
                if (p.contains(contains)) {
                    return p;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no port like " + contains + " on " + d.hostPorts());
    }

    /** Asks for EDL over DIAG and returns the path of the port the device comes back on. */
    private static String switchToEdl(SimulatedDevice modem, SerialLinks links) throws Exception {
        try (SerialLink diag = links.open(port(modem, "-if00-port0"))) {
            diag.write(Hdlc.encode(new byte[] {0x4B, 0x65, 0x01, 0x00}));
        }
        return port(modem, "Qualcomm_QHSUSB__BULK");
    }

    @Test
    void aModemIsProgrammedThroughSaharaAndFirehoseAndBootsTheNewFirmware() throws Exception {
        SerialLinks links = service(SerialLinks.class);
        SimulatedDevice modem = modem();
        String edl = switchToEdl(modem, links);
        Path file = dir.resolve("modem.ubi");
        DemoFirmware.image(file, "MF833S", "FG_MF833S_B09", 3, 300 * 1024 + 77, 9);
        byte[] image = Files.readAllBytes(file);
        Range range = new Range(DemoFirmware.MODEM_START_SECTOR, (image.length + 2047) / 2048, 2048);
        List<String> logs = new CopyOnWriteArrayList<>();
        try (SerialLink link = links.open(edl)) {
            List<Long> served = new ArrayList<>();
            new SaharaHost(link, Duration.ofSeconds(5)).upload(DemoFirmware.programmerBytes(), served::add);
            assertEquals(DemoFirmware.PROGRAMMER_SIZE, served.get(served.size() - 1));
            FirehoseHost firehose = new FirehoseHost(link, Duration.ofSeconds(10), logs::add);
            assertEquals(1 << 20, firehose.configure(4 << 20), "a NAK names the size the programmer takes");
            firehose.program(range, "modem", new ByteArrayInputStream(image), image.length, () -> { }, n -> { });
            byte[] padded = java.util.Arrays.copyOf(image, (int) range.bytes());
            String written = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(padded));
            assertEquals(written, Readback.digest(new ByteArrayInputStream(image), image.length, range.bytes()));
            assertEquals(written, firehose.digest(range), "the readback digest covers what was written, zeros to the range's end");
            firehose.reset();
        }
        assertTrue(logs.stream().anyMatch(l -> l.contains("INFO: End of supported functions")), "the start-up logs are kept: " + logs);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!"FG_MF833S_B09".equals(modem.revision()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        try (SerialLink at = links.open(port(modem, "-if02-port0"))) {
            assertEquals("FG_MF833S_B09", new AtChannel(at).command("ATI", Duration.ofSeconds(3)).value("Revision:"));
        }
    }

    @Test
    void aProgramTheDeviceRefusesIsADeviceNakAndNothingIsStreamed() throws Exception {
        SerialLinks links = service(SerialLinks.class);
        SimulatedDevice modem = modem();
        String edl = switchToEdl(modem, links);
        try (SerialLink link = links.open(edl)) {
            new SaharaHost(link, Duration.ofSeconds(5)).upload(DemoFirmware.programmerBytes(), n -> { });
            FirehoseHost firehose = new FirehoseHost(link, Duration.ofSeconds(10), s -> { });
            firehose.configure(1 << 20);
            modem.inject(dev.flashgate.simulator.Faults.parse(List.of("nak-next")));
            byte[] image = new byte[4096];
            long[] streamed = {0};
            FlashgateException refused = assertThrows(FlashgateException.class, () -> firehose.program(
                    new Range(DemoFirmware.MODEM_START_SECTOR, 2, 2048), "modem", new ByteArrayInputStream(image), image.length,
                    () -> streamed[0] = -1, n -> streamed[0] = n));
            assertEquals(ErrorCode.DEVICE_NAK, refused.code());
            assertTrue(refused.detail().contains("refused to program modem"), refused.detail());
            assertEquals(0, streamed[0], "a refused program is not accepted and no raw data follows it");
            Range outside = new Range(DemoFirmware.MODEM_START_SECTOR - 1, 2, 2048);
            FlashgateException crossing = assertThrows(FlashgateException.class, () -> firehose.program(outside, "modem",
                    new ByteArrayInputStream(image), image.length, () -> { }, n -> { }));
            assertEquals(ErrorCode.DEVICE_NAK, crossing.code(), "a range crossing a partition boundary is refused");
            firehose.reset();
        }
    }

    @Test
    void aProgrammerTheDeviceDoesNotTrustIsRefusedAndTheDeviceStaysRecoverable() throws Exception {
        SerialLinks links = service(SerialLinks.class);
        SimulatedDevice modem = modem();
        String edl = switchToEdl(modem, links);
        byte[] forged = DemoFirmware.programmerBytes();
        forged[forged.length - 1] ^= 1;
        Object enumerated = Files.getAttribute(Path.of(edl), "unix:ctime", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        try (SerialLink link = links.open(edl)) {
            FlashgateException refused = assertThrows(FlashgateException.class,
                    () -> new SaharaHost(link, Duration.ofSeconds(5)).upload(forged, n -> { }));
            assertEquals(ErrorCode.DEVICE_NAK, refused.code());
            assertTrue(refused.detail().contains("authentication failed"), refused.detail());
        }
        // the host's RESET resets the device: it enumerates again, its by-id link made anew
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(Path.of(edl)) || Files.getAttribute(Path.of(edl), "unix:ctime",
                java.nio.file.LinkOption.NOFOLLOW_LINKS).equals(enumerated)) {
            assertTrue(System.nanoTime() < deadline, "the device did not enumerate again after the reset");
            Thread.sleep(20);
        }
        try (SerialLink link = links.open(edl)) {
            new SaharaHost(link, Duration.ofSeconds(5)).upload(DemoFirmware.programmerBytes(), n -> { });
            new FirehoseHost(link, Duration.ofSeconds(10), s -> { }).reset();
        }
        modem.reenumerate();
        assertEquals("boots FG_MF833S_B06", modem.condition());
    }
}
