package dev.flashgate.cli;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.Device;
import dev.flashgate.core.device.DeviceDiscovery;
import dev.flashgate.core.pkg.KeyRequest;
import dev.flashgate.core.pkg.PackRequest;
import dev.flashgate.core.pkg.ProgressListener;
import dev.flashgate.core.pkg.SigningCredentials;
import dev.flashgate.core.pkg.TrustAnchors;
import dev.flashgate.core.pkg.VerificationReport;
import dev.flashgate.core.session.SessionRecord;
import dev.flashgate.core.session.SessionState;
import dev.flashgate.simulator.DemoFirmware;
import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.simulator.Simulators;
import dev.flashgate.upgrade.SessionOptions;
import dev.flashgate.upgrade.SessionRequest;
import dev.flashgate.upgrade.UpdateSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flashgate demo}: the embedded default. Creates (once) a clearly labelled demo CA, a
 * demo vendor key and signed sample packages for the simulated devices under
 * {@code <home>/demo}, then verifies and inspects them and updates the simulated hotspot and modem
 * with their samples, trusting the demo CA for this command only; it is never added to the station's
 * trust store.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Verify and inspect the sample packages and update the simulated devices, trusting the demo CA for this command only.")
final class DemoCommand implements Callable<Integer> {

    /** Bumped when the sample packages change, so existing homes get the new ones. */
    static final String DEMO_VERSION = "2";
    static final String CA_SUBJECT = "CN=Flashgate DEMO CA - NOT FOR PRODUCTION, O=Flashgate demo";
    static final String VENDOR_SUBJECT = "CN=Flashgate DEMO firmware signing - NOT FOR PRODUCTION, O=Flashgate demo";

    @Option(names = "--samples-only", description = "Only create the sample packages (once) and print where they are, "
            + "as lines ca=PATH and package=PATH; the workbench's embedded default starts this way.")
    boolean samplesOnly;

    private final Services services;

    DemoCommand(Services services) {
        this.services = services;
    }

    /** The packages of the embedded default, by file name. */
    record Samples(Path folder, Path ca, Path modemPackage, Path hotspotPackage, Path tamperedPackage) {
        List<Path> all() {
            return List.of(modemPackage, hotspotPackage, tamperedPackage);
        }
    }

    @Override
    public Integer call() throws FlashgateException {
        Terminal t = services.terminal();
        Samples samples = ensureSamples(services);
        if (samplesOnly) {
            t.out().println("ca=" + samples.ca());
            samples.all().forEach(p -> t.out().println("package=" + p));
            return 0;
        }
        TrustAnchors demoOnly = services.trustStore().load(List.of(samples.ca()));
        demoOnly = new TrustAnchors(demoOnly.certificates(), "the demo CA " + samples.ca() + " (trusted for this demo only)");
        t.out().println("Flashgate embedded default: simulated devices, and sample packages in " + samples.folder());
        t.out().println();
        List<SimulatedDevice> devices = showSimulatedDevices(t);
        t.out().println("Trusting only " + demoOnly.origin() + ".");
        t.out().println();
        boolean asExpected = true;
        for (Path pkg : List.of(samples.modemPackage(), samples.hotspotPackage())) {
            VerificationReport r = services.verifier().verify(pkg, demoOnly, ProgressListener.NONE);
            ReportText.verdict(t.out(), r, "the demo CA");
            t.out().println();
            asExpected &= r.verified();
        }
        t.out().println("A copy of the hotspot package with one flipped bit, as a corrupted download would have:");
        VerificationReport tampered = services.verifier().verify(samples.tamperedPackage(), demoOnly,
                ProgressListener.NONE);
        ReportText.verdict(t.out(), tampered, "the demo CA");
        asExpected &= !tampered.verified();
        t.out().println();
        t.out().println("The modem package in full (flashgate inspect):");
        t.out().println();
        ReportText.inspect(t.out(), services.verifier().inspect(samples.modemPackage(), demoOnly,
                ProgressListener.NONE));
        t.out().println();
        if (!devices.isEmpty()) {
            asExpected &= flash(t, "hotspot", devices.get(0), samples.hotspotPackage(), demoOnly);
            asExpected &= flash(t, "modem", devices.get(1), samples.modemPackage(), demoOnly);
        }
        t.out().printf("Try: flashgate inspect %s --trust %s%n", samples.tamperedPackage(), samples.ca());
        t.out().printf("     flashgate history        (every session, with the states it went through)%n");
        t.out().printf("     flashgate verify %s        (the station trust store does not trust the demo CA)%n",
                samples.modemPackage());
        return asExpected ? 0 : ErrorCode.INTERNAL.exitStatus();
    }

    /** Updates a simulated device with its sample package: a whole session, as {@code flashgate flash} runs it. */
    private boolean flash(Terminal t, String what, SimulatedDevice simulated, Path pkg, TrustAnchors anchors) {
        t.out().println("Updating the simulated " + what + " with its sample package (flashgate flash):");
        try {
            Device device = services.discovery().get().byImei(simulated.imei())
                    .orElseThrow(() -> new FlashgateException(ErrorCode.DEVICE_GONE, "the simulated " + what + " was not discovered"));
            UpdateSession session = services.sessions().get().start(new SessionRequest(pkg, device.id(), anchors, false,
                    SessionOptions.DEFAULTS));
            SessionRecord r = session.await(Duration.ofMinutes(2)).record();
            session.log().forEach(line -> t.out().println("  " + line));
            if (r.state() == SessionState.SUCCEEDED) {
                t.out().println("SUCCEEDED: " + r.model() + " " + r.imei() + " now runs " + r.version() + " (was "
                        + r.revisionBefore() + ")");
            } else {
                ErrorText.print(t.out(), r.code() == null ? ErrorCode.INTERNAL : r.code(), r.detail());
            }
            t.out().println();
            return r.state() == SessionState.SUCCEEDED;
        } catch (FlashgateException e) {
            ErrorText.print(t.out(), e.code(), e.detail());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Plugs in a simulated hotspot and a simulated modem and shows them discovered and identified. */
    private List<SimulatedDevice> showSimulatedDevices(Terminal t) {
        List<SimulatedDevice> devices = new ArrayList<>();
        try {
            Simulators simulators = services.simulators().get();
            devices.add(simulators.start("HS920S", "DEMO0001"));
            devices.add(simulators.start("MF833S", "DEMO0002"));
            DeviceDiscovery discovery = services.discovery().get();
            discovery.rescan();
            t.out().println("Devices discovered (simulated: on ptys under " + services.home().resolve("sim/by-id")
                    + ", or on in-memory mem: ports where socat is missing):");
            DeviceText.table(t.out(), discovery.devices().stream()
                    .filter(d -> d.presence() == Device.Presence.PRESENT).toList());
        } catch (Exception e) {
            t.out().println("Simulated devices could not be started here: " + e.getMessage());
            devices.clear();
        }
        t.out().println();
        return devices;
    }

    /** Creates the demo CA, vendor key and sample packages unless they already exist and are valid. */
    static Samples ensureSamples(Services services) throws FlashgateException {
        Path folder = services.home().resolve("demo");
        Samples samples = new Samples(folder, folder.resolve("demo-ca.pem"),
                folder.resolve("packages/MF833S-FG_MF833S_B07.fgp"), folder.resolve("packages/HS920S-FG_HS920S_A02.fgp"),
                folder.resolve("packages/HS920S-FG_HS920S_A02-corrupted.fgp"));
        Path version = folder.resolve(".demo-version");
        if (samples.all().stream().allMatch(Files::isRegularFile) && stillValid(services, folder.resolve("demo-signer.pem"))
                && Files.isRegularFile(version) && readQuietly(version).equals(DEMO_VERSION)) {
            return samples;
        }
        try {
            Files.createDirectories(folder.resolve("packages"));
            Path work = Files.createTempDirectory(folder, ".build-");
            try {
                build(services, samples, work);
                Files.writeString(version, DEMO_VERSION);
            } finally {
                deleteTree(work);
            }
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.HOST_DISK_FULL, "cannot create the demo in " + folder + ": " + e.getMessage());
        }
        return samples;
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean stillValid(Services services, Path signerCert) {
        try {
            services.trustStore().load(List.of(signerCert)).certificates().get(0)
                    .checkValidity(Date.from(Instant.now().plus(Duration.ofDays(1))));
            return true;
        } catch (FlashgateException | CertificateExpiredException | CertificateNotYetValidException e) {
            return false;
        }
    }

    private static void build(Services services, Samples samples, Path work) throws IOException, FlashgateException {
        SigningCredentials ca = services.keys().generate(new KeyRequest(CA_SUBJECT, KeyRequest.KeyType.EC_P256,
                Duration.ofDays(3650), true, null));
        SigningCredentials vendor = services.keys().generate(new KeyRequest(VENDOR_SUBJECT, KeyRequest.KeyType.EC_P256,
                Duration.ofDays(825), false, ca));
        services.keys().write(ca, samples.folder().resolve("demo-ca.key.pem"), samples.ca());
        services.keys().write(vendor, samples.folder().resolve("demo-signer.key.pem"), samples.folder().resolve("demo-signer.pem"));

        Path programmer = work.resolve("prog_nand_firehose_9x07.mbn");
        Path modemImage = work.resolve("modem.ubi");
        Path layout = work.resolve("rawprogram_nand.xml");
        DemoFirmware.programmer(programmer);
        DemoFirmware.image(modemImage, "MF833S", "FG_MF833S_B07", 3, 3 << 20, 833);
        DemoFirmware.layout(layout, "images/modem.ubi", Files.size(modemImage));
        services.builder().pack(new PackRequest(null, Map.of(
                "vendor", "Flashgate demo", "title", "MF833S simulated modem firmware B07", "version", "FG_MF833S_B07",
                "versionCode", 107L, "securityVersion", 3L, "target.plugin", "qualcomm-firehose", "target.chipset", "MDM9x07",
                "target.models", List.of("MF833S"), "notes", "Demo package for the simulated MDM9x07 modem. NOT FOR PRODUCTION."),
                List.of(new PackRequest.Source(programmer, "firehose/prog_nand_firehose_9x07.mbn", "programmer"),
                        new PackRequest.Source(layout, "firehose/rawprogram_nand.xml", "layout"),
                        new PackRequest.Source(modemImage, "images/modem.ubi", "image")),
                samples.modemPackage(), false));
        services.signer().sign(samples.modemPackage(), vendor);

        Path hotspotImage = work.resolve("hs920s.bin");
        DemoFirmware.image(hotspotImage, "HS920S", "FG_HS920S_A02", 2, 2 << 20, 920);
        services.builder().pack(new PackRequest(null, Map.of(
                "vendor", "Flashgate demo", "title", "HS920S simulated hotspot firmware A02", "version", "FG_HS920S_A02",
                "versionCode", 2L, "securityVersion", 2L, "target.plugin", "at-ymodem",
                "target.models", List.of("HS920S"), "notes", "Demo package for the simulated A/B hotspot. NOT FOR PRODUCTION."),
                List.of(new PackRequest.Source(hotspotImage, "images/hs920s.bin", "image")),
                samples.hotspotPackage(), false));
        services.signer().sign(samples.hotspotPackage(), vendor);

        Path corrupted = work.resolve("corrupted.fgp");
        Files.copy(samples.hotspotPackage(), corrupted);
        try (RandomAccessFile file = new RandomAccessFile(corrupted.toFile(), "rw")) {
            long at = file.length() / 2;
            file.seek(at);
            int b = file.read();
            file.seek(at);
            file.write(b ^ 0x04);
        }
        Files.move(corrupted, samples.tamperedPackage(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void deleteTree(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
