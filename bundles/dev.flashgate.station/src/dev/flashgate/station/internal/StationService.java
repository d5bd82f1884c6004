package dev.flashgate.station.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.Topics;
import dev.flashgate.core.device.DeviceDiscovery;
import dev.flashgate.core.pkg.PackageVerifier;
import dev.flashgate.core.pkg.TrustAnchors;
import dev.flashgate.core.pkg.TrustStore;
import dev.flashgate.core.session.SessionJournal;
import dev.flashgate.core.repository.UpdateRepositories;
import dev.flashgate.station.StationMode;
import dev.flashgate.station.StationPolicy;
import dev.flashgate.station.StationRun;
import dev.flashgate.upgrade.UpdateSessions;

/** Station mode as a service; one run at a time per station. */
@Component(service = StationMode.class)
public final class StationService implements StationMode {

    private final DeviceDiscovery discovery;
    private final UpdateSessions sessions;
    private final UpdateRepositories repositories;
    private final PackageVerifier verifier;
    private final TrustStore trustStore;
    private final SessionJournal journal;
    private final BundleContext context;
    private StationRunner running;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin events;

    @Activate
    public StationService(@Reference DeviceDiscovery discovery, @Reference UpdateSessions sessions,
            @Reference UpdateRepositories repositories, @Reference PackageVerifier verifier, @Reference TrustStore trustStore,
            @Reference SessionJournal journal, BundleContext context) {
        this.discovery = discovery;
        this.sessions = sessions;
        this.repositories = repositories;
        this.verifier = verifier;
        this.trustStore = trustStore;
        this.journal = journal;
        this.context = context;
    }

    @Override
    public StationPolicy readPolicy(Path file) throws FlashgateException {
        return PolicyFile.read(file);
    }

    @Override
    public synchronized StationRun start(StationPolicy policy) throws FlashgateException {
        if (running != null && !running.isClosed()) {
            throw new FlashgateException(ErrorCode.USAGE, "station mode already runs on this station; stop it first");
        }
        TrustAnchors anchors = policy.trust().isEmpty() ? trustStore.anchors() : trustStore.load(policy.trust());
        StationRunner runner = new StationRunner(policy, discovery, sessions, journal, repositories,
                new PackageResolver(repositories, verifier, anchors), anchors, this::post,
                line -> post(new Event(Topics.STATION_LOG, Map.of(Topics.KEY_MESSAGE, line))), Clock.systemUTC());
        runner.start(context);
        running = runner;
        return runner;
    }

    private void post(Event event) {
        EventAdmin admin = events;
        if (admin != null) {
            admin.postEvent(event);
        }
    }

    @Deactivate
    synchronized void stop() {
        if (running != null) {
            running.close();
        }
    }
}
