package dev.flashgate.ui.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

import org.eclipse.e4.core.di.annotations.Optional;
import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.e4.ui.di.UISynchronize;
import org.osgi.framework.FrameworkUtil;

import dev.flashgate.core.FlashgateHome;
import dev.flashgate.core.pkg.TrustAnchors;
import dev.flashgate.core.pkg.TrustStore;
import dev.flashgate.simulator.DemoSamples;
import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.simulator.Simulators;

/**
 * Model add-on of the embedded default ({@code -Dflashgate.workbench.demo=true}, what a plain
 * {@code ./flashgate} with a display starts): on a background thread it creates the sample
 * packages once, hands them to the Packages view trusting the demo CA for this run only, and plugs
 * in a simulated hotspot and modem, which it unplugs when the workbench closes. Otherwise it does
 * nothing.
 */
public final class EmbeddedDefault {

    static final String PROPERTY = "flashgate.workbench.demo";

    private final List<SimulatedDevice> devices = new ArrayList<>();

    @Inject
    private UISynchronize sync;

    @Inject
    private PackageInbox inbox;

    @PostConstruct
    public void start(@Optional @Service DemoSamples demo, @Optional @Service TrustStore trust,
            @Optional @Service Simulators simulators) {
        if (!Boolean.getBoolean(PROPERTY) || demo == null || trust == null || simulators == null) {
            return;
        }
        Path home = FlashgateHome.resolve(FrameworkUtil.getBundle(EmbeddedDefault.class).getBundleContext()
                .getProperty(FlashgateHome.PROPERTY));
        Thread t = new Thread(() -> {
            try {
                DemoSamples.Samples samples = demo.ensure(home.resolve("demo"));
                TrustAnchors ca = trust.load(List.of(samples.ca()));
                TrustAnchors runOnly = new TrustAnchors(ca.certificates(), "the demo CA " + samples.ca() + ", trusted for this run only");
                sync.asyncExec(() -> inbox.deliver(runOnly, samples.all()));
            } catch (Exception e) {
                System.err.println("flashgate: the sample packages could not be created: " + e.getMessage());
            }
            for (String[] modelSerial : new String[][] {{"HS920S", "DEMO0001"}, {"MF833S", "DEMO0002"}}) {
                try {
                    SimulatedDevice d = simulators.start(modelSerial[0], modelSerial[1]);
                    synchronized (devices) {
                        devices.add(d);
                    }
                } catch (Exception e) {
                    System.err.println("flashgate: the simulated " + modelSerial[0] + " could not be started: " + e.getMessage());
                }
            }
        }, "flashgate-embedded-default");
        t.setDaemon(true);
        t.start();
    }

    @PreDestroy
    public void stop() {
        synchronized (devices) {
            devices.forEach(SimulatedDevice::close);
            devices.clear();
        }
    }
}
