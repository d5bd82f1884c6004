package dev.flashgate.cli;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.ProgressListener;
import dev.flashgate.core.pkg.TrustAnchors;
import dev.flashgate.core.pkg.Verdict;
import dev.flashgate.core.pkg.VerificationReport;
import dev.flashgate.core.repository.RepositoryStatus;
import dev.flashgate.core.repository.RepositoryTarget;
import dev.flashgate.core.repository.UpdateRepositories;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flashgate remote add|list|update|import|targets|fetch|remove}: the vendor repositories this station uses. */
@Command(name = "remote", mixinStandardHelpOptions = true,
        description = "Vendor update repositories of this station: pin, update (TUF), import from removable media, fetch packages.",
        subcommands = {RemoteCommand.Add.class, RemoteCommand.ListRemotes.class, RemoteCommand.Update.class,
            RemoteCommand.Import.class, RemoteCommand.Targets.class, RemoteCommand.Fetch.class, RemoteCommand.Remove.class})
final class RemoteCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static void print(Terminal t, RepositoryStatus s) {
        EscapingWriter.line(t.out(), "%-16s %s", s.name(), s.location());
        if (s.updatedOnce()) {
            EscapingWriter.line(t.out(), "    root v%d, targets v%d, snapshot v%d, timestamp v%d; %d package(s); updated %s; valid until %s",
                    s.rootVersion(), s.targetsVersion(), s.snapshotVersion(), s.timestampVersion(), s.targets(), s.updated(),
                    s.expires());
        } else {
            EscapingWriter.line(t.out(), "    root v%d pinned; nothing usable now: never updated, expired or cut short (run 'flashgate remote update %s')",
                    s.rootVersion(), s.name());
        }
    }

    static ObjectNode json(RepositoryStatus s) {
        ObjectNode o = ReportJson.MAPPER.createObjectNode();
        o.put("name", s.name()).put("location", s.location().toString()).put("rootVersion", s.rootVersion())
                .put("targetsVersion", s.targetsVersion()).put("snapshotVersion", s.snapshotVersion())
                .put("timestampVersion", s.timestampVersion()).put("targets", s.targets())
                .put("expires", s.expires() == null ? null : s.expires().toString())
                .put("updated", s.updated() == null ? null : s.updated().toString());
        return o;
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Set up a repository with the root metadata its vendor handed over, then update it.")
    static final class Add implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "URL", description = "http(s) or file URL of the repository's top folder.")
        URI location;

        @Option(names = "--root", required = true, paramLabel = "FILE", description = "The repository's root.json, obtained out of band.")
        Path root;

        @Option(names = "--no-update", description = "Only pin the root (an air-gapped station imports later).")
        boolean noUpdate;

        private final Services services;

        Add(Services services) {
            this.services = services;
        }

        @Override
        public Integer call() throws FlashgateException {
            RepositoryStatus status = services.repositories().add(name, location, root);
            if (!noUpdate) {
                try {
                    status = services.repositories().update(name);
                } catch (FlashgateException e) {
                    services.repositories().remove(name); // nothing half set up stays behind
                    throw new FlashgateException(e.code(), e.detail() + "; " + name + " was not set up (--no-update pins the "
                            + "root alone)", e);
                }
            }
            print(services.terminal(), status);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the repositories and what is trusted of each.")
    static final class ListRemotes implements Callable<Integer> {
        @Option(names = "--json")
        boolean json;

        private final Services services;

        ListRemotes(Services services) {
            this.services = services;
        }

        @Override
        public Integer call() {
            List<RepositoryStatus> all = services.repositories().list();
            if (json) {
                ArrayNode out = ReportJson.MAPPER.createArrayNode();
                all.forEach(s -> out.add(json(s)));
                services.terminal().out().println(ReportJson.text(out));
            } else {
                all.forEach(s -> print(services.terminal(), s));
            }
            return 0;
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true, description = "Refresh repositories' metadata (all when none is named).")
    static final class Update implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", arity = "0..*")
        List<String> names = new ArrayList<>();

        private final Services services;

        Update(Services services) {
            this.services = services;
        }

        @Override
        public Integer call() throws FlashgateException {
            UpdateRepositories repositories = services.repositories();
            List<String> all = names.isEmpty() ? repositories.list().stream().map(RepositoryStatus::name).toList() : names;
            FlashgateException first = null;
            for (String name : all) {
                try {
                    print(services.terminal(), repositories.update(name));
                } catch (FlashgateException e) {
                    ErrorText.print(services.terminal().err(), e.code(), name + ": " + e.detail());
                    first = first == null ? e : first;
                }
            }
            return first == null ? 0 : first.code().exitStatus();
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Update a repository from a copy of it (removable media), with the same checks, and take its packages into the cache.")
    static final class Import implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "DIR")
        Path copy;

        private final Services services;

        Import(Services services) {
            this.services = services;
        }

        @Override
        public Integer call() throws FlashgateException {
            print(services.terminal(), services.repositories().importFrom(name, copy));
            return 0;
        }
    }

    @Command(name = "targets", mixinStandardHelpOptions = true, description = "List the packages a repository signs for.")
    static final class Targets implements Callable<Integer> {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--model", paramLabel = "MODEL", description = "Only packages for this model.")
        String model;

        @Option(names = "--json")
        boolean json;

        private final Services services;

        Targets(Services services) {
            this.services = services;
        }

        @Override
        public Integer call() throws FlashgateException {
            List<RepositoryTarget> targets = services.repositories().targets(name).stream()
                    .filter(t -> model == null || t.isFor(model)).toList();
            if (json) {
                ArrayNode out = ReportJson.MAPPER.createArrayNode();
                for (RepositoryTarget t : targets) {
                    ObjectNode o = out.addObject().put("name", t.name()).put("length", t.length()).put("sha256", t.sha256())
                            .put("vendor", t.vendor()).put("firmwareVersion", t.firmwareVersion())
                            .put("versionCode", t.versionCode()).put("plugin", t.plugin());
                    t.models().forEach(o.putArray("models")::add);
                }
                services.terminal().out().println(ReportJson.text(out));
                return 0;
            }
            for (RepositoryTarget t : targets) {
                EscapingWriter.line(services.terminal().out(), "%-36s %-12s code %-8d %-18s %s  %d bytes", t.name(), t.firmwareVersion(),
                        t.versionCode(), t.plugin(), String.join(",", t.models()), t.length());
            }
            return 0;
        }
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = "Download a package (length and hash signed by the repository), verify it like any package, and copy it out.")
    static final class Fetch implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "TARGET")
        String target;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE|DIR", description = "Where to copy the verified package.")
        Path output;

        @Mixin
        TrustOptions trust;

        private final Services services;

        Fetch(Services services) {
            this.services = services;
        }

        @Override
        public Integer call() throws FlashgateException {
            Terminal t = services.terminal();
            RepositoryTarget listed = services.repositories().targets(name).stream().filter(x -> x.name().equals(target))
                    .findFirst().orElseThrow(() -> new FlashgateException(ErrorCode.REPO_TARGET_UNKNOWN, name + " lists no " + target));
            ProgressListener bar = ProgressBar.forSize(t, listed.length(), "download");
            Path cached = services.repositories().fetch(name, target, bar);
            ProgressBar.finish(bar);
            TrustAnchors anchors = trust.anchors(services.trustStore());
            VerificationReport report = services.verifier().verify(cached, anchors, ProgressListener.NONE);
            ReportText.verdict(report.verified() ? t.out() : t.err(), report, anchors.origin());
            if (report.verdict() instanceof Verdict.Rejected rejected) {
                return rejected.code().exitStatus();
            }
            Optional<String> mismatch = listed.mismatch(report.manifest());
            if (mismatch.isPresent()) {
                throw new FlashgateException(ErrorCode.REPO_TARGET_MISMATCH, mismatch.get());
            }
            if (output != null) {
                Path to = Files.isDirectory(output) ? output.resolve(target) : output;
                try {
                    OutputFiles.replace(to, temp -> Files.copy(cached, temp, StandardCopyOption.REPLACE_EXISTING));
                } catch (java.io.IOException e) {
                    throw new FlashgateException(ErrorCode.HOST_IO, "cannot write " + to + ": " + e.getMessage(), e);
                }
                EscapingWriter.line(t.out(), "saved %s", to);
            } else {
                EscapingWriter.line(t.out(), "cached %s", cached);
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Forget a repository and its cached packages.")
    static final class Remove implements Callable<Integer> {
        @Parameters(paramLabel = "NAME")
        String name;

        private final Services services;

        Remove(Services services) {
            this.services = services;
        }

        @Override
        public Integer call() throws FlashgateException {
            services.repositories().remove(name);
            EscapingWriter.line(services.terminal().out(), "removed %s", name);
            return 0;
        }
    }
}
