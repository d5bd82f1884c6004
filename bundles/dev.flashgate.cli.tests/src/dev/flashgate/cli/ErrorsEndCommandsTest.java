package dev.flashgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.device.DeviceDiscovery;
import dev.flashgate.core.pkg.PackageBuilder;
import dev.flashgate.core.pkg.PackageSigner;
import dev.flashgate.core.pkg.PackageVerifier;
import dev.flashgate.core.pkg.SigningKeys;
import dev.flashgate.core.pkg.TrustStore;
import dev.flashgate.core.plugin.PluginSigner;
import dev.flashgate.core.repository.RepositoryPublisher;
import dev.flashgate.core.repository.UpdateRepositories;
import dev.flashgate.core.session.SessionJournal;
import dev.flashgate.simulator.DemoSamples;
import dev.flashgate.simulator.Simulators;
import dev.flashgate.station.StationMode;
import dev.flashgate.upgrade.PluginInstaller;
import dev.flashgate.upgrade.UpdateSessions;
import picocli.CommandLine;

/**
 * Every command, with every service it may use throwing an {@link Error}, ends with a non-zero
 * status and a typed message: picocli passes only exceptions to its handler, and the launcher
 * turns a command that ends without a status into exit 0.
 */
class ErrorsEndCommandsTest {

    @TempDir
    Path dir;

    private static <T> T exhausted(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            throw new OutOfMemoryError("Java heap space (" + type.getSimpleName() + "." + method.getName() + ")");
        }));
    }

    private static <T> Supplier<T> exhaustedSupplier(Class<T> type) {
        return () -> exhausted(type);
    }

    /** Arguments for each command that get it past its own checks to the services it drives. */
    private Map<String, List<String>> commands() throws Exception {
        Path pkg = Files.write(dir.resolve("some.fgp"), new byte[] {'P', 'K', 5, 6});
        Path pem = Files.writeString(dir.resolve("some.pem"), "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
        Path jar = Files.write(dir.resolve("some.jar"), new byte[] {'P', 'K', 3, 4});
        Path image = Files.write(dir.resolve("image.bin"), new byte[] {1, 2, 3});
        Path policy = Files.writeString(dir.resolve("policy.json"), """
                {"rules": [{"model": "HS920S", "file": "%s"}]}""".formatted(pkg));
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Path keys = Files.createDirectories(dir.resolve("keys"));
        Path copy = Files.createDirectories(dir.resolve("copy"));
        Path root = Files.writeString(dir.resolve("root.json"), "{}");
        String p = pkg.toString();
        Map<String, List<String>> c = new LinkedHashMap<>();
        c.put("verify", List.of(p));
        c.put("inspect", List.of(p));
        c.put("pack", List.of("--vendor", "V", "--firmware-version", "F1", "--version-code", "1", "--plugin", "at-ymodem",
                "--model", "HS920S", "--artifact", "images/a.bin=" + image, "-o", dir.resolve("out.fgp").toString()));
        c.put("sign", List.of(p, "--key", pem.toString(), "--cert", pem.toString()));
        c.put("keygen", List.of("--subject", "CN=Test", "--key-out", dir.resolve("k.pem").toString(), "--cert-out",
                dir.resolve("c.pem").toString()));
        c.put("trust add", List.of(pem.toString()));
        c.put("trust list", List.of());
        c.put("trust remove", List.of("0123456789abcdef"));
        c.put("devices", List.of());
        c.put("flash", List.of(p));
        c.put("restore", List.of("--device", "866123450000000"));
        c.put("history", List.of());
        c.put("plugins list", List.of());
        c.put("plugins install", List.of(jar.toString()));
        c.put("plugins remove", List.of("vendor.plugin"));
        c.put("plugins sign", List.of(jar.toString(), "--key", pem.toString(), "--cert", pem.toString()));
        c.put("repo init", List.of("--keys", keys.toString(), repo.toString()));
        c.put("repo add", List.of("--keys", keys.toString(), repo.toString(), p));
        c.put("repo sign", List.of("--keys", keys.toString(), repo.toString()));
        c.put("repo rotate", List.of("--keys", keys.toString(), "--role", "targets", repo.toString()));
        c.put("repo serve", List.of("--port", "0", repo.toString()));
        c.put("remote add", List.of("--root", root.toString(), "vendor", "http://127.0.0.1:9/"));
        c.put("remote list", List.of());
        c.put("remote update", List.of());
        c.put("remote import", List.of("vendor", copy.toString()));
        c.put("remote targets", List.of("vendor"));
        c.put("remote fetch", List.of("vendor", "target.fgp", "-o", dir.resolve("fetched.fgp").toString()));
        c.put("remote remove", List.of("vendor"));
        c.put("station", List.of("--policy", policy.toString(), "--until-idle", "1"));
        c.put("simulate", List.of("--model", "HS920S"));
        c.put("demo", List.of());
        return c;
    }

    private Services services(Terminal terminal) {
        return new Services(exhausted(PackageVerifier.class), exhausted(TrustStore.class), exhausted(PackageBuilder.class),
                exhausted(PackageSigner.class), exhausted(SigningKeys.class), exhausted(DemoSamples.class),
                exhausted(PluginInstaller.class), exhausted(PluginSigner.class), exhausted(UpdateRepositories.class),
                exhausted(RepositoryPublisher.class), exhaustedSupplier(DeviceDiscovery.class), exhaustedSupplier(Simulators.class),
                exhaustedSupplier(UpdateSessions.class), exhaustedSupplier(SessionJournal.class), exhaustedSupplier(StationMode.class),
                () -> {
                    throw new OutOfMemoryError("the heap is exhausted");
                }, dir.resolve("home"), terminal);
    }

    private static void leaves(CommandLine cli, String prefix, List<String> out) {
        if (cli.getSubcommands().isEmpty()) {
            out.add(prefix.strip());
            return;
        }
        cli.getSubcommands().forEach((name, sub) -> leaves(sub, prefix + " " + name, out));
    }

    @Test
    void everyCommandEndsWithATypedNonZeroStatusWhenAnErrorIsThrownInsideIt() throws Exception {
        Map<String, List<String>> commands = commands();
        List<String> all = new ArrayList<>();
        CommandLine tree = FlashgateCommands.commandLine(services(new Terminal(new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()), false)), "test");
        tree.getSubcommands().forEach((name, sub) -> leaves(sub, name, all));
        assertEquals(new TreeSet<>(all), new TreeSet<>(commands.keySet()), "every command is tried here");

        List<String> failures = new ArrayList<>();
        commands.forEach((command, args) -> {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            Terminal terminal = new Terminal(new PrintWriter(out, true), new PrintWriter(err, true), false);
            List<String> argv = new ArrayList<>(List.of(command.split(" ")));
            argv.addAll(args);
            int status = FlashgateCommands.run(services(terminal), "test", argv.toArray(String[]::new));
            terminal.flush();
            if (status != ErrorCode.HOST_LOW_MEMORY.exitStatus() || !err.toString().startsWith("HOST_LOW_MEMORY: ")) {
                failures.add(command + " -> " + status + ": " + err + out);
            }
        });
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void anyOtherErrorIsAnInternalErrorWithoutAStackTrace() {
        StringWriter err = new StringWriter();
        Terminal terminal = new Terminal(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), false);
        Services services = services(terminal);
        Services broken = new Services(services.verifier(), services.trustStore(), services.builder(), services.signer(),
                services.keys(), services.demo(), services.plugins(), services.pluginSigner(), services.repositories(),
                services.publisher(), services.discovery(), services.simulators(), services.sessions(),
                () -> {
                    throw new StackOverflowError();
                }, services.station(), services.importers(), services.home(), terminal);
        int status = FlashgateCommands.run(broken, "test", "history");
        terminal.flush();
        assertEquals(ErrorCode.INTERNAL.exitStatus(), status);
        assertTrue(err.toString().startsWith("INTERNAL: java.lang.StackOverflowError"), err.toString());
        assertTrue(!err.toString().contains("\tat "), "no stack trace for the technician: " + err);
    }
}
