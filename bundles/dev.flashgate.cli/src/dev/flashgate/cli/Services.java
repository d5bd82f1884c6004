package dev.flashgate.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

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

/**
 * The services and settings commands work with; handed to each command by the command factory.
 * Discovery, the simulators, the session engine and the journal start threads, touch ports or
 * open the database, so they are only activated by the commands that use them.
 */
public record Services(
        PackageVerifier verifier,
        TrustStore trustStore,
        PackageBuilder builder,
        PackageSigner signer,
        SigningKeys keys,
        DemoSamples demo,
        PluginInstaller plugins,
        PluginSigner pluginSigner,
        UpdateRepositories repositories,
        RepositoryPublisher publisher,
        Supplier<DeviceDiscovery> discovery,
        Supplier<Simulators> simulators,
        Supplier<UpdateSessions> sessions,
        Supplier<SessionJournal> journal,
        Supplier<StationMode> station,
        Supplier<List<BuildImporter>> importers,
        Path home,
        Terminal terminal) {

    Services withTerminal(Terminal other) {
        return new Services(verifier, trustStore, builder, signer, keys, demo, plugins, pluginSigner, repositories, publisher, discovery, simulators, sessions, journal, station, importers, home, other);
    }
}
