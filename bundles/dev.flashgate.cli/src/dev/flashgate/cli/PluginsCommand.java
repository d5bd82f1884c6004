package dev.flashgate.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.SigningCredentials;
import dev.flashgate.upgrade.DeviceSeries;
import dev.flashgate.upgrade.InstalledPlugin;
import dev.flashgate.upgrade.PluginInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flashgate plugins list|install|remove|sign}: device-series plugins of this station. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "Install, list and remove device-series plugins while the station runs; sign plugin jars (vendors).",
        subcommands = {PluginsCommand.ListPlugins.class, PluginsCommand.Install.class, PluginsCommand.Remove.class,
            PluginsCommand.Sign.class})
final class PluginsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static void print(Terminal t, InstalledPlugin p) {
        EscapingWriter.line(t.out(), "%-34s %-22s %-9s %s", p.symbolicName(), p.version() == null ? "?" : p.version(),
                p.origin() == InstalledPlugin.Origin.BUILT_IN ? "built-in" : "installed", p.status().name().toLowerCase());
        if (p.signer() != null) {
            EscapingWriter.line(t.out(), "    signed by %s", p.signer().subject());
        }
        for (PluginInfo info : p.plugins()) {
            for (DeviceSeries s : info.series()) {
                EscapingWriter.line(t.out(), "    %s %s: %s", info.id(), info.version(), series(s));
            }
        }
        if (p.problem() != null) {
            EscapingWriter.line(t.out(), "    refused at start: %s: %s", p.problem().name(), p.detail());
        }
    }

    static String series(DeviceSeries s) {
        return s.vendor() + " " + s.family() + (s.chipset() == null ? "" : " (" + s.chipset() + ")") + ": "
                + String.join(", ", s.models());
    }

    static ObjectNode json(InstalledPlugin p) {
        ObjectNode o = ReportJson.MAPPER.createObjectNode();
        o.put("symbolicName", p.symbolicName());
        o.put("version", p.version());
        o.put("origin", p.origin().name());
        o.put("status", p.status().name());
        if (p.signer() != null) {
            o.set("signer", ReportJson.certificate(p.signer()));
        }
        ArrayNode plugins = o.putArray("plugins");
        for (PluginInfo info : p.plugins()) {
            ObjectNode i = plugins.addObject().put("id", info.id()).put("name", info.name()).put("version", info.version());
            ArrayNode series = i.putArray("series");
            info.series().forEach(s -> series.add(series(s)));
        }
        if (p.problem() != null) {
            o.set("problem", ReportJson.error(p.problem(), p.detail()));
        }
        return o;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List built-in and installed plugins.")
    static final class ListPlugins implements Callable<Integer> {
        @Option(names = "--json", description = "Print as JSON.")
        boolean json;
        private final Services services;

        ListPlugins(Services services) {
            this.services = services;
        }

        @Override
        public Integer call() {
            List<InstalledPlugin> all = services.plugins().list();
            if (json) {
                ArrayNode out = ReportJson.MAPPER.createArrayNode();
                all.forEach(p -> out.add(json(p)));
                services.terminal().out().println(ReportJson.text(out));
            } else {
                all.forEach(p -> print(services.terminal(), p));
            }
            return 0;
        }
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = "Check and install a signed plugin jar, or a feature of a p2 repository (folder or zip); usable at once.")
    static final class Install implements Callable<Integer> {
        @Parameters(paramLabel = "JAR|REPOSITORY")
        Path source;

        @Option(names = "--feature", paramLabel = "ID", description = "The feature to install from a repository that offers several.")
        String feature;

        @Option(names = "--list-features", description = "Only list the features the repository offers.")
        boolean listFeatures;

        private final Services services;

        Install(Services services) {
            this.services = services;
        }

        @Override
        public Integer call() throws FlashgateException {
            if (listFeatures) {
                services.plugins().features(source).forEach(services.terminal().out()::println);
                return 0;
            }
            List<InstalledPlugin> installed = services.plugins().install(source, feature);
            if (installed.isEmpty()) {
                services.terminal().out().println("nothing to install: the station has every bundle of it already");
            }
            for (InstalledPlugin p : installed) {
                services.terminal().out().print("installed ");
                print(services.terminal(), p);
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Uninstall an installed plugin (refused while it runs a session).")
    static final class Remove implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "The plugin's bundle symbolic name, as 'plugins list' shows it.")
        String name;
        private final Services services;

        Remove(Services services) {
            this.services = services;
        }

        @Override
        public Integer call() throws FlashgateException {
            InstalledPlugin removed = services.plugins().remove(name);
            EscapingWriter.line(services.terminal().out(), "removed %s %s", removed.symbolicName(), removed.version());
            return 0;
        }
    }

    @Command(name = "sign", mixinStandardHelpOptions = true,
            description = "Sign plugin jars in place with a code-signing key (vendors; replaces an earlier signature).")
    static final class Sign implements Callable<Integer> {
        @Parameters(paramLabel = "JAR", arity = "1..*")
        List<Path> jars;

        @Mixin
        SigningOptions signing;

        private final Services services;

        Sign(Services services) {
            this.services = services;
        }

        @Override
        public Integer call() throws FlashgateException {
            SigningCredentials credentials = signing.read(services.keys());
            for (Path jar : jars) {
                services.pluginSigner().sign(jar, credentials);
                EscapingWriter.line(services.terminal().out(), "signed %s as %s", jar, credentials.certificate().getSubjectX500Principal().getName());
            }
            return 0;
        }
    }
}
