package dev.flashgate.simulator.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeAll;
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
import dev.flashgate.device.MemoryLink;
import dev.flashgate.device.YmodemSender;
import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.simulator.Simulators;

/** The host's YMODEM sender against lrzsz {@code rb} (a receiver nobody here wrote) and the simulated hotspot. */
class YmodemSenderTest {

    private static SerialLinks links;
    private static Simulators simulators;

    @TempDir
    Path dir;

    @BeforeAll
    static void services() throws Exception {
        BundleContext context = FrameworkUtil.getBundle(SimulatorFarm.class).getBundleContext();
        ServiceTracker<SerialLinks, SerialLinks> l = new ServiceTracker<>(context, SerialLinks.class, null);
        l.open();
        links = l.waitForService(10_000);
        ServiceTracker<Simulators, Simulators> s = new ServiceTracker<>(context, Simulators.class, null);
        s.open();
        simulators = s.waitForService(10_000);
    }

    @Test
    void crc16IsXmodemsCrc() {
        byte[] check = "123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        org.junit.jupiter.api.Assertions.assertEquals(0x31C3, YmodemSender.crc16(check, 0, check.length)); // the catalogued check value
        byte[] framed = ("xx" + "123456789" + "yy").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        org.junit.jupiter.api.Assertions.assertEquals(0x31C3, YmodemSender.crc16(framed, 2, 9));
        org.junit.jupiter.api.Assertions.assertEquals(0, YmodemSender.crc16(framed, 0, 0));
    }

    private static byte[] data(int size) {
        byte[] d = new byte[size];
        new Random(size).nextBytes(d);
        return d;
    }

    @Test
    void lrzszRbReceivesExactlyWhatWasSent() throws Exception {
        assumeTrue(new ProcessBuilder("sh", "-c", "command -v socat && command -v rb").start().waitFor() == 0, "socat and lrzsz");
        Path tty = dir.resolve("tty");
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Process rb = new ProcessBuilder("socat", "pty,raw,echo=0,link=" + tty, "SYSTEM:cd " + inbox + " && exec rb -q")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!Files.exists(tty)) {
            assertTrue(System.nanoTime() < deadline, "socat made no pty");
            Thread.sleep(10);
        }
        byte[] image = data(100_000 + 77);
        AtomicLong acknowledged = new AtomicLong();
        try (SerialLink link = links.open(tty.toString())) {
            new YmodemSender(link, Duration.ofSeconds(5), 10).send("fw.bin", image.length, new ByteArrayInputStream(image),
                    acknowledged::set);
        }
        assertTrue(rb.waitFor(10, TimeUnit.SECONDS), "rb ends after the batch");
        assertArrayEquals(image, Files.readAllBytes(inbox.resolve("fw.bin")));
        assertEquals(image.length, acknowledged.get());
    }

    @Test
    void theSimulatedHotspotReceivesAnUploadWithTheSameHash() throws Exception {
        SimulatedDevice hotspot = ((SimulatorFarm) simulators).startFactoryNew("HS920S", "YS0001");
        try (SerialLink link = links.open(hotspot.hostPorts().get(0))) {
            byte[] image = data(30_000);
            AtChannel at = new AtChannel(link);
            assertEquals("CONNECT", at.command("AT+FGUPL=" + image.length, Duration.ofSeconds(2)).result());
            new YmodemSender(link, Duration.ofSeconds(5), 10).send("fw.bin", image.length, new ByteArrayInputStream(image), n -> { });
            assertEquals("+FGUPL: " + SaharaTarget.sha256(image), at.readLine(Duration.ofSeconds(5)));
            assertEquals("OK", at.readLine(Duration.ofSeconds(5)));
        } finally {
            hotspot.close();
        }
    }

    @Test
    void aReceiverThatCancelsIsADeviceNak() throws Exception {
        MemoryLink[] line = MemoryLink.pair("ttyUSB0");
        Thread receiver = new Thread(() -> {
            try {
                line[1].write(new byte[] {'C'});
                byte[] block = new byte[133];
                line[1].readFully(block, 0, 133, Duration.ofSeconds(5));
                line[1].write(new byte[] {YmodemSender.CAN, YmodemSender.CAN});
            } catch (FlashgateException e) {
                // the test is over
            }
        });
        receiver.setDaemon(true);
        receiver.start();
        FlashgateException e = assertThrows(FlashgateException.class, () -> new YmodemSender(line[0], Duration.ofSeconds(2), 3)
                .send("fw.bin", 10, new ByteArrayInputStream(new byte[10]), n -> { }));
        assertEquals(ErrorCode.DEVICE_NAK, e.code());
    }

    @Test
    void aSilentReceiverIsAStall() {
        MemoryLink[] line = MemoryLink.pair("ttyUSB1");
        FlashgateException e = assertThrows(FlashgateException.class, () -> new YmodemSender(line[0], Duration.ofMillis(200), 2)
                .send("fw.bin", 10, new ByteArrayInputStream(new byte[10]), n -> { }));
        assertEquals(ErrorCode.DEVICE_STALLED, e.code());
    }
}
