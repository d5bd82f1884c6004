package dev.flashgate.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.repository.RepositoryPublisher;
import dev.flashgate.core.repository.RepositoryTarget;
import dev.flashgate.core.repository.Role;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flashgate repo init|add|sign|rotate|serve}: the vendor's repository tool. */
@Command(name = "repo", mixinStandardHelpOptions = true,
        description = "Build, sign and serve an update repository (vendors): TUF metadata over a folder of packages.",
        subcommands = {RepoCommand.Init.class, RepoCommand.Add.class, RepoCommand.Sign.class, RepoCommand.Rotate.class,
            RepoCommand.Serve.class})
final class RepoCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static Role role(String id) throws FlashgateException {
        try {
            return Role.of(id);
        } catch (IllegalArgumentException e) {
            throw new FlashgateException(ErrorCode.USAGE, "no role '" + id + "': root, targets, snapshot or timestamp");
        }
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Create an empty repository and a key per role (more with --threshold) in the key folder.")
    static final class Init implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "The repository folder to create.")
        Path repository;

        @Option(names = "--keys", required = true, paramLabel = "DIR", description = "Key folder (created; keep root and targets keys offline).")
        Path keys;

        @Option(names = "--threshold", paramLabel = "ROLE=N", description = "Signatures a role needs (that many keys are made); default 1 each.")
        Map<String, Integer> thresholds = new LinkedHashMap<>();

        private final Services services;

        Init(Services services) {
            this.services = services;
        }

        @Override
        public Integer call() throws FlashgateException {
            Map<Role, Integer> parsed = new LinkedHashMap<>();
            for (Map.Entry<String, Integer> entry : thresholds.entrySet()) {
                if (entry.getValue() < 1 || entry.getValue() > 16) {
                    throw new FlashgateException(ErrorCode.USAGE, "a threshold is 1 to 16");
                }
                parsed.put(role(entry.getKey()), entry.getValue());
            }
            services.publisher().init(repository, keys, parsed);
            services.terminal().out().printf("created %s (keys in %s); give stations %s%n", repository, keys,
                    repository.resolve("metadata/1.root.json"));
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add signed packages and sign new targets, snapshot and timestamp metadata.")
    static final class Add implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR")
        Path repository;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "PKG|DIR", description = "Packages, or folders of .fgp packages.")
        List<Path> packages = new ArrayList<>();

        @Option(names = "--keys", required = true, paramLabel = "DIR")
        Path keys;

        @Option(names = "--trust", paramLabel = "FILE|DIR",
                description = "Check each package's signature against these anchors (repeatable); without, only that it is signed soundly.")
        List<Path> trust = new ArrayList<>();

        private final Services services;

        Add(Services services) {
            this.services = services;
        }

        @Override
        public Integer call() throws FlashgateException {
            List<RepositoryTarget> added = services.publisher().add(repository, keys, expand(packages),
                    trust.isEmpty() ? null : services.trustStore().load(trust));
            for (RepositoryTarget target : added) {
                services.terminal().out().printf("added %s (%s %s for %s, %d bytes)%n", target.name(), target.vendor(),
                        target.firmwareVersion(), String.join(", ", target.models()), target.length());
            }
            return 0;
        }
    }

    /** Folders stand for the .fgp packages in them, in name order. */
    static List<Path> expand(List<Path> sources) throws FlashgateException {
        List<Path> packages = new ArrayList<>();
        for (Path source : sources) {
            if (!Files.isDirectory(source)) {
                packages.add(source);
                continue;
            }
            try (Stream<Path> files = Files.list(source)) {
                List<Path> found = files.filter(f -> f.getFileName().toString().endsWith(".fgp") && Files.isRegularFile(f))
                        .sorted().toList();
                if (found.isEmpty()) {
                    throw new FlashgateException(ErrorCode.USAGE, source + " holds no .fgp package");
                }
                packages.addAll(found);
            } catch (IOException e) {
                throw new FlashgateException(ErrorCode.USAGE, "cannot list " + source + ": " + e.getMessage(), e);
            }
        }
        return packages;
    }

    @Command(name = "sign", mixinStandardHelpOptions = true,
            description = "Sign a new version of roles (a new targets brings a new snapshot and timestamp), or co-sign the current one.")
    static final class Sign implements Callable<Integer> {
        @Parameters(paramLabel = "DIR")
        Path repository;

        @Option(names = "--keys", required = true, paramLabel = "DIR")
        Path keys;

        @Option(names = "--role", paramLabel = "ROLE", description = "root, targets, snapshot or timestamp (repeatable; default timestamp).")
        List<String> roles = new ArrayList<>();

        @Option(names = "--co-sign", description = "Add this key folder's signatures to the current version (thresholds above one).")
        boolean coSign;

        @Option(names = "--valid-for", paramLabel = "DURATION",
                description = "How long the named roles' new versions are valid, ISO-8601 (P7D, PT6H); default per role.")
        Duration validity;

        private final Services services;

        Sign(Services services) {
            this.services = services;
        }

        @Override
        public Integer call() throws FlashgateException {
            Set<Role> parsed = EnumSet.noneOf(Role.class);
            for (String role : roles.isEmpty() ? List.of("timestamp") : roles) {
                parsed.add(role(role));
            }
            if (validity != null && (validity.isNegative() || validity.isZero())) {
                throw new FlashgateException(ErrorCode.USAGE, "--valid-for must be positive");
            }
            services.publisher().sign(repository, keys, parsed, coSign, validity);
            services.terminal().out().printf("%s %s%n", coSign ? "co-signed" : "signed", parsed);
            return 0;
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Replace a role's keys by a new key, through a new root version signed by the old root keys (and the new one).")
    static final class Rotate implements Callable<Integer> {
        @Parameters(paramLabel = "DIR")
        Path repository;

        @Option(names = "--keys", required = true, paramLabel = "DIR")
        Path keys;

        @Option(names = "--role", required = true, paramLabel = "ROLE")
        String role;

        private final Services services;

        Rotate(Services services) {
            this.services = services;
        }

        @Override
        public Integer call() throws FlashgateException {
            services.publisher().rotate(repository, keys, role(role));
            services.terminal().out().printf("rotated the %s key%n", role);
            return 0;
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve the repository read-only over HTTP until interrupted.")
    static final class Serve implements Callable<Integer> {
        @Parameters(paramLabel = "DIR")
        Path repository;

        @Option(names = "--port", paramLabel = "N", description = "TCP port (default ${DEFAULT-VALUE}; 0 picks a free one).")
        int port = 8470;

        @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address to listen on (default: loopback only).")
        String bind;

        private final Services services;

        Serve(Services services) {
            this.services = services;
        }

        @Override
        public Integer call() throws Exception {
            InetAddress address = bind == null ? InetAddress.getLoopbackAddress() : InetAddress.getByName(bind);
            CountDownLatch stopped = new CountDownLatch(1);
            try (RepositoryPublisher.Server server = services.publisher().serve(repository, new InetSocketAddress(address, port))) {
                Thread hook = new Thread(stopped::countDown, "flashgate-repo-serve-stop");
                Runtime.getRuntime().addShutdownHook(hook);
                services.terminal().out().printf("serving %s at %s (Ctrl-C stops)%n", repository, server.uri());
                services.terminal().flush();
                stopped.await();
            }
            return 0;
        }
    }
}
