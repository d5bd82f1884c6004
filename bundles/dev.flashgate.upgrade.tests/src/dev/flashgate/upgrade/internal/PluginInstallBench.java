package dev.flashgate.upgrade.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.wiring.FrameworkWiring;

import dev.flashgate.core.pkg.SigningCredentials;
import dev.flashgate.core.plugin.PluginSigner;
import dev.flashgate.testkit.PluginBench;
import dev.flashgate.upgrade.PluginInstaller;
import dev.flashgate.upgrade.UpdateSessions;

/**
 * Benchmark, not a test (surefire does not pick it up by name; releng/bench/plugin-bench.sh runs
 * it): the time from {@code install} to the device series being usable in a running station, the
 * AT + YMODEM plugin's jar installed and removed again and again, against the baseline of the
 * framework alone installing and starting the same bundle with no checks, until its plugin is bound.
 */
class PluginInstallBench {

    private static final int WARMUP = 5;
    private static final int RUNS = 30;

    @TempDir
    Path dir;

    private final BundleContext context = FrameworkUtil.getBundle(PluginInstallBench.class).getBundleContext();

    @Test
    void installToUsable() throws Exception {
        try (PluginBench bench = new PluginBench(dir)) {
            PluginInstaller installer = bench.service(PluginInstaller.class);
            UpdateSessions sessions = bench.sessions();
            SigningCredentials vendor = bench.pluginVendor();
            Path plain = PluginBench.builtJar("dev.flashgate.plugin.ymodem", dir.resolve("plain.jar"));
            Path signed = Files.copy(plain, dir.resolve("signed.jar"));
            bench.service(PluginSigner.class).sign(signed, vendor);
            long[] framework = new long[RUNS];
            long[] flashgate = new long[RUNS];
            for (int i = -WARMUP; i < RUNS; i++) {
                long t0 = System.nanoTime();
                Bundle b;
                try (InputStream in = Files.newInputStream(plain)) {
                    b = context.installBundle("bench:" + i, in);
                }
                b.start(Bundle.START_TRANSIENT);
                assertTrue(usable(sessions));
                long t1 = System.nanoTime();
                b.uninstall();
                refresh(b);

                long t2 = System.nanoTime();
                installer.install(signed, null);
                assertTrue(usable(sessions));
                long t3 = System.nanoTime();
                installer.remove("dev.flashgate.plugin.ymodem");
                if (i >= 0) {
                    framework[i] = t1 - t0;
                    flashgate[i] = t3 - t2;
                }
            }
            double base = median(framework);
            double ours = median(flashgate);
            System.out.printf("plugin install to usable, median of %d: flashgate %.1f ms (signature check, copy, install, start)"
                    + " vs framework install+start alone %.1f ms: ratio %.2f; target under 100 ms%n", RUNS, ours, base, ours / base);
        }
    }

    private static boolean usable(UpdateSessions sessions) {
        return sessions.plugins().stream().anyMatch(p -> p.id().equals("at-ymodem"));
    }

    private void refresh(Bundle b) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(java.util.List.of(b), e -> done.countDown());
        done.await(30, TimeUnit.SECONDS);
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1e6;
    }
}
