package dev.flashgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.FrameworkUtil;

import dev.flashgate.simulator.DemoSamples;
import dev.flashgate.simulator.SimulatedDevice;

/** {@code flashgate repo ...} builds a repository that {@code flashgate remote ...} follows, from a folder URL. */
class RepositoryCommandTest {

    @TempDir
    Path home;

    @Test
    void aVendorPublishesAndAStationFetchesAndVerifies() throws Exception {
        CliHarness cli = new CliHarness(home);
        DemoSamples.Samples samples = CliHarness.service(FrameworkUtil.getBundle(RepositoryCommandTest.class).getBundleContext(),
                DemoSamples.class).ensure(home.resolve("demo"));
        Path repo = home.resolve("repo");
        Path keys = home.resolve("keys");
        assertEquals(0, cli.run("repo", "init", repo, "--keys", keys, "--threshold", "root=2").status());
        CliHarness.Result refused = cli.run("repo", "add", repo, samples.tamperedPackage(), "--keys", keys);
        assertEquals(5, refused.status(), refused.all());
        Path folder = java.nio.file.Files.createDirectories(home.resolve("release"));
        java.nio.file.Files.copy(samples.hotspotPackage(), folder.resolve(samples.hotspotPackage().getFileName()));
        CliHarness.Result added = cli.run("repo", "add", repo, folder, samples.modemPackage(), "--keys", keys,
                "--trust", samples.ca());
        assertEquals(0, added.status(), added.all());
        assertTrue(added.out().contains("for HS920S"), added.out());

        String name = "vendor-" + Integer.toHexString(ThreadLocalRandom.current().nextInt() & 0xFFFFFF);
        CliHarness.Result unreachable = cli.run("remote", "add", name, home.resolve("nowhere").toUri(), "--root",
                repo.resolve("metadata/1.root.json"));
        assertEquals(12, unreachable.status(), unreachable.all());
        assertTrue(unreachable.err().contains(name + " was not set up"), unreachable.err());
        assertTrue(!cli.run("remote", "list").out().contains(name), "a remote that could not be reached is not left pinned");
        try {
            CliHarness.Result add = cli.run("remote", "add", name, repo.toUri(), "--root", repo.resolve("metadata/1.root.json"));
            assertEquals(0, add.status(), add.all());
            assertTrue(add.out().contains("2 package(s)"), add.out());
            CliHarness.Result targets = cli.run("remote", "targets", name, "--model", "MF833S");
            assertEquals(1, targets.out().lines().count(), targets.out());
            String target = samples.modemPackage().getFileName().toString();
            assertTrue(targets.out().startsWith(target), targets.out());

            CliHarness.Result untrusted = cli.run("remote", "fetch", name, target);
            assertEquals(4, untrusted.status(), "fetched, but the package itself is checked too: " + untrusted.all());
            Path out = Files.createDirectories(home.resolve("out"));
            CliHarness.Result fetched = cli.run("remote", "fetch", name, target, "-o", out, "--trust", samples.ca());
            assertEquals(0, fetched.status(), fetched.all());
            assertEquals(Files.size(samples.modemPackage()), Files.size(out.resolve(target)));

            // initiation method 2 for one device: its package comes from the repository
            try (SimulatedDevice hotspot = cli.simulators().start("HS920S", "FROMREPO" + System.nanoTime() % 100000)) {
                CliHarness.Result none = cli.run("flash", "--from", name, "--target", target, "--port", hotspot.hostPorts().get(0),
                        "--trust", samples.ca());
                assertEquals(12, none.status(), "the modem's package is not for a hotspot: " + none.all());
                CliHarness.Result flashed = cli.run("flash", "--from", name, "--port", hotspot.hostPorts().get(0), "--trust", samples.ca());
                assertEquals(0, flashed.status(), flashed.all());
                assertEquals("FG_HS920S_A02", hotspot.revision());
            }
            assertEquals(2, cli.run("flash", "--from", name, samples.hotspotPackage()).status(), "a file or a repository, not both");

            assertEquals(0, cli.run("repo", "rotate", repo, "--keys", keys, "--role", "snapshot").status());
            CliHarness.Result update = cli.run("remote", "update", name);
            assertEquals(0, update.status(), update.all());
            assertTrue(update.out().contains("root v2"), update.out());

            assertEquals(0, cli.run("repo", "sign", repo, "--keys", keys, "--role", "timestamp", "--valid-for", "PT1S").status());
            Thread.sleep(1100);
            CliHarness.Result expired = cli.run("remote", "update", name);
            assertEquals(12, expired.status(), expired.all());
            assertTrue(expired.err().contains("REPO_EXPIRED"), expired.err());
        } finally {
            cli.run("remote", "remove", name);
        }
        assertEquals(12, cli.run("remote", "targets", name).status());
    }
}
