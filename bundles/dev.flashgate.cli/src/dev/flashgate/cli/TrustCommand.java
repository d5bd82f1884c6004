package dev.flashgate.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.CertificateInfo;
import dev.flashgate.core.pkg.TrustStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code flashgate trust add|list|remove [--plugins]}: the station's vendor trust anchors for
 * packages, or with {@code --plugins} the separate anchors plugin jars must chain to.
 */
@Command(name = "trust", mixinStandardHelpOptions = true, description = "Manage the vendor trust anchors of this station.",
        subcommands = {TrustCommand.Add.class, TrustCommand.ListAnchors.class, TrustCommand.Remove.class})
final class TrustCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code --plugins}: the plugin anchors instead of the package anchors. */
    static final class Store {
        @Option(names = "--plugins", description = "The anchors plugin jars must chain to, kept apart from the package anchors.")
        boolean plugins;

        TrustStore of(Services services) {
            return plugins ? services.plugins().trust() : services.trustStore();
        }
    }

    static void print(Terminal t, List<CertificateInfo> anchors, boolean json) {
        if (json) {
            t.out().println(ReportJson.text(ReportJson.certificates(anchors)));
            return;
        }
        for (CertificateInfo c : anchors) {
            EscapingWriter.line(t.out(), "%s  %s", c.sha256Fingerprint(), c.subject());
            EscapingWriter.line(t.out(), "    valid %s .. %s%s", c.notBefore(), c.notAfter(), c.ca() ? ", CA" : "");
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Pin the CA or self-signed vendor certificates of a PEM file.")
    static final class Add implements Callable<Integer> {
        @Parameters(paramLabel = "PEM")
        Path pem;
        @Mixin
        Store store;
        private final Services services;

        Add(Services services) {
            this.services = services;
        }

        @Override
        public Integer call() throws FlashgateException {
            List<CertificateInfo> added = store.of(services).add(pem);
            EscapingWriter.line(services.terminal().out(), "trusted %d anchor(s):", added.size());
            print(services.terminal(), added, false);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the trust anchors.")
    static final class ListAnchors implements Callable<Integer> {
        @Option(names = "--json", description = "Print as JSON.")
        boolean json;
        @Mixin
        Store store;
        private final Services services;

        ListAnchors(Services services) {
            this.services = services;
        }

        @Override
        public Integer call() throws FlashgateException {
            List<CertificateInfo> anchors = store.of(services).list();
            if (anchors.isEmpty() && !json) {
                services.terminal().out().println(store.plugins ? "no plugin trust anchors: every plugin will be refused (PLUGIN_UNTRUSTED)"
                        : "no trust anchors: every package will be refused (SIG_UNTRUSTED)");
            }
            print(services.terminal(), anchors, json);
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove an anchor by its SHA-256 fingerprint (8+ hex digits).")
    static final class Remove implements Callable<Integer> {
        @Parameters(paramLabel = "FINGERPRINT")
        String fingerprint;
        @Mixin
        Store store;
        private final Services services;

        Remove(Services services) {
            this.services = services;
        }

        @Override
        public Integer call() throws FlashgateException {
            List<CertificateInfo> removed = store.of(services).remove(fingerprint);
            if (removed.isEmpty()) {
                throw new FlashgateException(ErrorCode.USAGE, "no anchor's fingerprint starts with " + fingerprint);
            }
            EscapingWriter.line(services.terminal().out(), "removed %s", removed.get(0).subject());
            return 0;
        }
    }
}
