package dev.flashgate.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

import dev.flashgate.core.device.DeviceDiscovery;
import dev.flashgate.core.pkg.PackageBuilder;
import dev.flashgate.core.pkg.PackageSigner;
import dev.flashgate.core.pkg.PackageVerifier;
import dev.flashgate.core.pkg.SigningKeys;
import dev.flashgate.core.pkg.TrustStore;
import dev.flashgate.core.repository.RepositoryPublisher;
import dev.flashgate.core.repository.UpdateRepositories;
import dev.flashgate.core.plugin.PluginSigner;
import dev.flashgate.core.session.SessionJournal;
import dev.flashgate.station.StationMode;
import dev.flashgate.simulator.DemoSamples;
import dev.flashgate.simulator.Simulators;
import dev.flashgate.upgrade.PluginInstaller;
import dev.flashgate.upgrade.UpdateSessions;

/** Runs Flashgate commands in this OSGi runtime with the services Declarative Services registered. */
final class CliHarness {

    record Result(int status, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private final Path home;
    private final Services template;

    CliHarness(Path home) throws InterruptedException {
        this.home = home;
        BundleContext context = FrameworkUtil.getBundle(FlashgateCommands.class).getBundleContext();
        DeviceDiscovery discovery = service(context, DeviceDiscovery.class);
        Simulators simulators = service(context, Simulators.class);
        UpdateSessions sessions = service(context, UpdateSessions.class);
        SessionJournal journal = service(context, SessionJournal.class);
        StationMode station = service(context, StationMode.class);
        dev.flashgate.core.pkg.BuildImporter flatBuilds = service(context, dev.flashgate.core.pkg.BuildImporter.class);
        this.template = new Services(service(context, PackageVerifier.class), service(context, TrustStore.class).inFolder(home.resolve("trust")),
                service(context, PackageBuilder.class), service(context, PackageSigner.class), service(context, SigningKeys.class),
                service(context, DemoSamples.class), service(context, PluginInstaller.class), service(context, PluginSigner.class),
                service(context, UpdateRepositories.class), service(context, RepositoryPublisher.class),
                () -> discovery, () -> simulators, () -> sessions, () -> journal, () -> station,
                () -> java.util.List.of(flatBuilds), home, null);
    }

    static <T> T service(BundleContext context, Class<T> type) throws InterruptedException {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        T service = tracker.waitForService(TimeUnit.SECONDS.toMillis(10));
        if (service == null) {
            throw new IllegalStateException(type.getSimpleName() + " was not registered");
        }
        return service;
    }

    Path home() {
        return home;
    }

    Simulators simulators() {
        return template.simulators().get();
    }

    TrustStore trustStore() {
        return template.trustStore();
    }

    Result run(Object... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Terminal terminal = new Terminal(new PrintWriter(out, true), new PrintWriter(err, true), false);
        Services services = template.withTerminal(terminal);
        String[] argv = java.util.Arrays.stream(args).map(String::valueOf).toArray(String[]::new);
        int status = FlashgateCommands.run(services, "0.0.0.test", argv);
        terminal.flush();
        return new Result(status, out.toString(), err.toString());
    }
}
