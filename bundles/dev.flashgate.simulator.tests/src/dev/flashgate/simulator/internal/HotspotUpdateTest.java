package dev.flashgate.simulator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;
import dev.flashgate.core.device.SerialLinks;
import dev.flashgate.device.AtChannel;
import dev.flashgate.device.AtResponse;
import dev.flashgate.simulator.Faults;
import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.simulator.Simulators;

/**
 * The hotspot's upload and apply, with lrzsz {@code sb} as the YMODEM sender: a peer nobody here
 * wrote. A relay between sb and the pty can corrupt a block or cancel the transfer on the way.
 */
class HotspotUpdateTest {

    private static Simulators simulators;
    private static SerialLinks links;

    @TempDir
    Path dir;

    private SimulatedDevice hotspot;

    @BeforeAll
    static void services() throws Exception {
        assumeTrue(onPath("socat") && onPath("sb"), "socat and lrzsz are needed (run-tests installs them)");
        BundleContext context = FrameworkUtil.getBundle(SimulatorFarm.class).getBundleContext();
        simulators = service(context, Simulators.class);
        links = service(context, SerialLinks.class);
    }

    @AfterEach
    void unplug() {
        if (hotspot != null) {
            hotspot.close();
        }
    }

    /** What the relay does to sb's bytes on their way to the device. */
    private enum Mischief {
        NONE, CORRUPT_ONE_BLOCK, CANCEL_MIDWAY
    }

    @Test
    void anImageSentBySbArrivesWithItsHash() throws Exception {
        hotspot = ((SimulatorFarm) simulators).startFactoryNew("HS920S", "YM0001");
        byte[] image = image("FG_HS920S_A02", 2, 70_000);
        String reply = upload(image, Mischief.NONE);
        assertTrue(reply.contains("+FGUPL: " + sha256(image)), reply);
        assertTrue(reply.contains("OK"), reply);
        assertEquals(1, naks(reply), "one NAK, the one YMODEM answers the first EOT with");
    }

    private static long naks(String fromDevice) {
        return fromDevice.chars().filter(c -> c == dev.flashgate.device.YmodemSender.NAK).count();
    }

    @Test
    void aCorruptedBlockIsRetransmitted() throws Exception {
        hotspot = ((SimulatorFarm) simulators).startFactoryNew("HS920S", "YM0002");
        byte[] image = image("FG_HS920S_A02", 2, 50_000);
        String reply = upload(image, Mischief.CORRUPT_ONE_BLOCK);
        assertTrue(reply.contains("+FGUPL: " + sha256(image)), reply);
        assertEquals(2, naks(reply), "the corrupted block was NAKed once, then the EOT");
    }

    @Test
    void aCancelledTransferLeavesNothingBehind() throws Exception {
        hotspot = ((SimulatorFarm) simulators).startFactoryNew("HS920S", "YM0003");
        String reply = upload(image("FG_HS920S_A02", 2, 80_000), Mischief.CANCEL_MIDWAY);
        assertTrue(reply.contains("+FGUPL: ABORTED"), reply);
        assertTrue(reply.contains("ERROR"), reply);
        Path folder = ((SimulatorFarm) simulators).byIdFolder().resolveSibling("devices").resolve("YM0003");
        assertFalse(Files.exists(folder.resolve("upload.bin")));
        assertFalse(Files.exists(folder.resolve("upload.part")));
        try (SerialLink link = links.open(hotspot.hostPorts().get(0))) {
            assertEquals("+CME ERROR: 3", new AtChannel(link).command("AT+FGAPPLY=" + sha256(new byte[1]), Duration.ofSeconds(2)).result());
        }
    }

    @Test
    void anUploadThatDoesNotFitIsRefusedBeforeTheTransfer() throws Exception {
        hotspot = ((SimulatorFarm) simulators).startFactoryNew("HS920S", "YM0004");
        try (SerialLink link = links.open(hotspot.hostPorts().get(0))) {
            assertEquals("+CME ERROR: 28", new AtChannel(link).command("AT+FGUPL=" + (1L << 30), Duration.ofSeconds(2)).result());
        }
    }

    @Test
    void applyInstallsIntoTheOtherSlotAndRebootsIntoTheNewRevision() throws Exception {
        hotspot = ((SimulatorFarm) simulators).startFactoryNew("HS920S", "YM0005");
        byte[] image = image("FG_HS920S_A02", 2, 20_000);
        upload(image, Mischief.NONE);
        try (SerialLink link = links.open(hotspot.hostPorts().get(0))) {
            AtChannel at = new AtChannel(link);
            assertEquals("+CME ERROR: 3", at.command("AT+FGAPPLY=" + sha256(new byte[2]), Duration.ofSeconds(2)).result());
            assertTrue(at.command("AT+FGAPPLY=" + sha256(image), Duration.ofSeconds(2)).ok());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!"FG_HS920S_A02".equals(hotspot.revision()) || hotspot.hostPorts().isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the hotspot did not come back");
            Thread.sleep(50);
        }
        Thread.sleep(500);
        try (SerialLink link = links.open(hotspot.hostPorts().get(0))) {
            AtChannel at = new AtChannel(link);
            assertEquals("FG_HS920S_A02", at.command("ATI", Duration.ofSeconds(2)).value("Revision:"));
            assertEquals("+FGSECVER: 2", at.command("AT+FGSECVER?", Duration.ofSeconds(2)).lines().get(0));
        }
        Path folder = ((SimulatorFarm) simulators).byIdFolder().resolveSibling("devices").resolve("YM0005");
        assertTrue(Files.exists(folder.resolve("slot-B.bin")), "the inactive slot B took the image");
    }

    @Test
    void powerLossDuringApplyLeavesTheOldSlotBooting() throws Exception {
        hotspot = simulators.start("HS920S", "YM0006", Faults.parse(java.util.List.of("power-loss-after=999999999")));
        byte[] image = image("FG_HS920S_A02", 2, 20_000);
        upload(image, Mischief.NONE);
        try (SerialLink link = links.open(hotspot.hostPorts().get(0))) {
            FlashgateException cut = org.junit.jupiter.api.Assertions.assertThrows(FlashgateException.class,
                    () -> new AtChannel(link).command("AT+FGAPPLY=" + sha256(image), Duration.ofSeconds(2)));
            assertTrue(cut.code() == dev.flashgate.core.ErrorCode.DEVICE_GONE
                    || cut.code() == dev.flashgate.core.ErrorCode.DEVICE_STALLED, cut.toString());
        }
        hotspot.reenumerate();
        assertEquals("FG_HS920S_A01", hotspot.revision());
        assertTrue(hotspot.condition().contains("slot A") && hotspot.condition().contains("interrupted by power loss"),
                hotspot.condition());
        try (SerialLink link = links.open(hotspot.hostPorts().get(0))) {
            assertEquals("FG_HS920S_A01", new AtChannel(link).command("ATI", Duration.ofSeconds(2)).value("Revision:"));
        }
    }

    /** AT+FGUPL, then sb through the relay, then what the device said after the transfer. */
    private String upload(byte[] image, Mischief mischief) throws Exception {
        Path file = Files.write(dir.resolve("fw.bin"), image);
        try (SerialLink link = links.open(hotspot.hostPorts().get(0))) {
            AtResponse connect = new AtChannel(link).command("AT+FGUPL=" + image.length, Duration.ofSeconds(2));
            assertEquals("CONNECT", connect.result());
            Process sb = new ProcessBuilder("sb", "-k", "-q", file.getFileName().toString()).directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            ByteArrayOutputStream fromDevice = new ByteArrayOutputStream();
            Thread toSb = relay(() -> {
                byte[] buffer = new byte[2048];
                OutputStream in = sb.getOutputStream();
                while (sb.isAlive()) {
                    int n = link.read(buffer, 0, buffer.length, Duration.ofMillis(50));
                    synchronized (fromDevice) {
                        fromDevice.write(buffer, 0, n);
                    }
                    in.write(buffer, 0, n);
                    in.flush();
                }
            });
            Thread toDevice = relay(() -> {
                byte[] buffer = new byte[2048];
                InputStream out = sb.getInputStream();
                long forwarded = 0;
                boolean corrupted = false;
                for (int n = out.read(buffer); n >= 0; n = out.read(buffer)) {
                    if (mischief == Mischief.CORRUPT_ONE_BLOCK && !corrupted && forwarded + n > 1500) {
                        buffer[(int) Math.max(0, 1500 - forwarded)] ^= 0x55;
                        corrupted = true;
                    }
                    if (mischief == Mischief.CANCEL_MIDWAY && forwarded + n > 4000) {
                        link.write(new byte[] {0x18, 0x18, 0x18, 0x18, 0x18});
                        sb.destroy();
                        return;
                    }
                    link.write(buffer, 0, n);
                    forwarded += n;
                }
            });
            boolean finished = sb.waitFor(60, TimeUnit.SECONDS);
            toDevice.join(5000);
            toSb.join(5000);
            assertTrue(finished, "sb did not finish");
            if (mischief != Mischief.CANCEL_MIDWAY) {
                assertEquals(0, sb.exitValue(), "sb reports a failed transfer");
            }
            byte[] tail = new byte[512];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            String seen;
            do {
                int n = link.read(tail, 0, tail.length, Duration.ofMillis(100));
                synchronized (fromDevice) {
                    fromDevice.write(tail, 0, n);
                    seen = fromDevice.toString(StandardCharsets.ISO_8859_1);
                }
            } while (!(seen.contains("\r\nOK\r\n") || seen.contains("\r\nERROR\r\n")) && System.nanoTime() < deadline);
            return seen;
        }
    }

    private interface IoTask {
        void run() throws Exception;
    }

    private static Thread relay(IoTask task) {
        Thread t = new Thread(() -> {
            try {
                task.run();
            } catch (Exception | Error e) {
                // the transfer ended (or was cut) under the relay
            }
        }, "ymodem-relay");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static byte[] image(String version, int securityVersion, int size) {
        byte[] header = ("FGSIMFW HS920S " + version + " " + securityVersion + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] image = new byte[size];
        new Random(size).nextBytes(image);
        System.arraycopy(header, 0, image, 0, header.length);
        return image;
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    private static <T> T service(BundleContext context, Class<T> type) throws InterruptedException {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        return tracker.waitForService(10_000);
    }

    private static boolean onPath(String tool) throws Exception {
        return new ProcessBuilder("sh", "-c", "command -v " + tool).start().waitFor() == 0;
    }
}
