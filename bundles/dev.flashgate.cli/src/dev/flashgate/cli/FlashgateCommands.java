package dev.flashgate.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.FieldOption;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.FlashgateHome;
import dev.flashgate.core.device.DeviceDiscovery;
import dev.flashgate.core.pkg.BuildImporter;
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
import picocli.CommandLine;

/** Flashgate's command line, wired by Declarative Services to the services it drives. */
@Component(service = FlashgateCommands.class)
public final class FlashgateCommands {

    private final PackageVerifier verifier;
    private final TrustStore trustStore;
    private final PackageBuilder builder;
    private final PackageSigner signer;
    private final SigningKeys keys;
    private final DemoSamples demo;
    private final PluginInstaller plugins;
    private final PluginSigner pluginSigner;
    private final UpdateRepositories repositories;
    private final RepositoryPublisher publisher;
    private final ComponentServiceObjects<DeviceDiscovery> discovery;
    private final ComponentServiceObjects<Simulators> simulators;
    private final ComponentServiceObjects<UpdateSessions> sessions;
    private final ComponentServiceObjects<SessionJournal> journal;
    private final ComponentServiceObjects<StationMode> station;
    private final Path home;
    private final String version;

    @Activate
    public FlashgateCommands(@Reference PackageVerifier verifier, @Reference TrustStore trustStore,
            @Reference PackageBuilder builder, @Reference PackageSigner signer, @Reference SigningKeys keys,
            @Reference DemoSamples demo, @Reference PluginInstaller plugins, @Reference PluginSigner pluginSigner,
            @Reference UpdateRepositories repositories, @Reference RepositoryPublisher publisher,
            @Reference ComponentServiceObjects<DeviceDiscovery> discovery,
            @Reference ComponentServiceObjects<Simulators> simulators,
            @Reference ComponentServiceObjects<UpdateSessions> sessions,
            @Reference ComponentServiceObjects<SessionJournal> journal,
            @Reference ComponentServiceObjects<StationMode> station, BundleContext context) {
        this.verifier = verifier;
        this.trustStore = trustStore;
        this.builder = builder;
        this.signer = signer;
        this.keys = keys;
        this.demo = demo;
        this.plugins = plugins;
        this.pluginSigner = pluginSigner;
        this.repositories = repositories;
        this.publisher = publisher;
        this.discovery = discovery;
        this.simulators = simulators;
        this.sessions = sessions;
        this.journal = journal;
        this.station = station;
        this.home = FlashgateHome.resolve(context.getProperty(FlashgateHome.PROPERTY));
        this.version = context.getBundle().getVersion().toString();
    }

    /** Readers of vendors' build formats, from whichever plugins bring one (pack --flat-build). */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, fieldOption = FieldOption.UPDATE)
    private final List<BuildImporter> importers = new CopyOnWriteArrayList<>();

    /** Runs one command line; returns the exit status of the package format's table. */
    public int execute(String[] args, Terminal terminal) {
        Services services = new Services(verifier, trustStore, builder, signer, keys, demo, plugins, pluginSigner, repositories, publisher, discovery::getService,
                simulators::getService, sessions::getService, journal::getService, station::getService, () -> List.copyOf(importers), home,
                terminal);
        try {
            return run(services, version, args);
        } finally {
            terminal.flush();
        }
    }

    /**
     * Runs one command line to its exit status. picocli hands only {@link Exception}s to the
     * handler; an {@link Error} (no memory left, a stack exhausted, a class missing) would leave
     * the command without a status, which the launcher turns into 0: it is typed and reported here.
     */
    static int run(Services services, String version, String... args) {
        try {
            return commandLine(services, version).execute(args);
        } catch (Error e) {
            return report(e, services.terminal());
        }
    }

    static CommandLine commandLine(Services services, String version) {
        CommandLine cli = new CommandLine(new RootCommand(), new CommandFactory(services));
        // help and usage are the command line's own text, coloured on a terminal
        cli.setOut(EscapingWriter.raw(services.terminal().out()));
        cli.setErr(EscapingWriter.raw(services.terminal().err()));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> report(e, services.terminal()));
        cli.setParameterExceptionHandler((e, args) -> {
            services.terminal().err().println(ErrorCode.USAGE.name() + ": " + e.getMessage());
            e.getCommandLine().usage(EscapingWriter.raw(services.terminal().err()));
            return ErrorCode.USAGE.exitStatus();
        });
        cli.getCommandSpec().version("flashgate " + version);
        return cli;
    }

    private static int report(Throwable e, Terminal terminal) {
        FlashgateException typed = FlashgateException.unexpected(e);
        ErrorText.print(terminal.err(), typed.code(), typed.detail());
        if (typed != e && Boolean.getBoolean("flashgate.debug")) {
            e.printStackTrace(terminal.err());
        }
        return typed.code().exitStatus();
    }

    /** Builds commands that take {@link Services} in their constructor; others the default way. */
    private record CommandFactory(Services services) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                return type.getDeclaredConstructor(Services.class).newInstance(services);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }
}
