package dev.flashgate.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.Device;
import dev.flashgate.core.device.DeviceDiscovery;
import dev.flashgate.core.pkg.ProgressListener;
import dev.flashgate.core.pkg.TrustAnchors;
import dev.flashgate.core.pkg.VerificationReport;
import dev.flashgate.core.session.SessionRecord;
import dev.flashgate.core.session.SessionState;
import dev.flashgate.simulator.DemoSamples;
import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.simulator.Simulators;
import dev.flashgate.upgrade.SessionOptions;
import dev.flashgate.upgrade.SessionRequest;
import dev.flashgate.upgrade.UpdateSession;
import picocli.CommandLine.Command;

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


    private final Services services;

    DemoCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() throws FlashgateException {
        Terminal t = services.terminal();
        DemoSamples.Samples samples = services.demo().ensure(services.home().resolve("demo"));
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
        t.out().printf("     flashgate station --policy %s        (update every simulated device the policy names)%n",
                samples.stationPolicy());
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
                t.out().println(SessionText.succeeded(r) + ")");
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
}
