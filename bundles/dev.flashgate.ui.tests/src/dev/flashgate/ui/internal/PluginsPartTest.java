package dev.flashgate.ui.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.Topics;
import dev.flashgate.core.pkg.SigningCredentials;
import dev.flashgate.core.plugin.PluginSigner;
import dev.flashgate.testkit.PluginBench;
import dev.flashgate.upgrade.PluginInstaller;

/** The Plugins view installs a plugin the test runtime did not start with, refuses an unsigned one, and removes it. */
class PluginsPartTest {

    private static final String FIREHOSE = "dev.flashgate.plugin.firehose";

    @TempDir
    Path dir;

    private PluginBench bench;
    private SwtBench swt;
    private PluginInstaller installer;
    private SigningCredentials vendor;

    @BeforeEach
    void setUp() throws Exception {
        SwtBench.assumeDisplay();
        bench = new PluginBench(dir);
        swt = new SwtBench();
        installer = bench.service(PluginInstaller.class);
        vendor = bench.pluginVendor();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (swt == null) {
            return;
        }
        try {
            installer.remove(FIREHOSE);
        } catch (FlashgateException e) {
            // removed by the test already
        }
        swt.close();
        bench.close();
    }

    @Test
    void aSignedPluginIsInstalledFromTheViewAndRemovedAgain() throws Exception {
        PluginsPart part = new PluginsPart(installer, swt.sync());
        part.create(swt.parent());
        swt.deliver(part::pluginEvent, Topics.PLUGIN_ALL);
        swt.open();
        assertTrue(Tables.text(part.table()).contains("at-ymodem"), Tables.text(part.table()));
        assertFalse(Tables.text(part.table()).contains("qualcomm-firehose"));

        Path unsigned = PluginBench.builtJar(FIREHOSE, dir.resolve("firehose-unsigned.jar"));
        part.install(unsigned, null);
        swt.until(() -> part.status().startsWith("PLUGIN_UNSIGNED"), Duration.ofSeconds(20), "the unsigned plugin is refused");
        assertFalse(Tables.text(part.table()).contains("qualcomm-firehose"));

        Path signed = Files.copy(unsigned, dir.resolve("firehose.jar"));
        bench.service(PluginSigner.class).sign(signed, vendor);
        part.install(signed, null);
        swt.until(() -> Tables.text(part.table()).contains("qualcomm-firehose"), Duration.ofSeconds(20), "the plugin is listed");
        String row = Tables.text(part.table()).lines().filter(l -> l.contains("qualcomm-firehose")).findFirst().orElseThrow();
        assertTrue(row.contains("installed") && row.contains("CN=Plugin vendor") && row.contains("MF833S"), row);
        swt.until(() -> part.status().startsWith("Installed " + FIREHOSE), Duration.ofSeconds(5), "the view says so");
        swt.screenshot("plugins");

        part.remove(FIREHOSE);
        swt.until(() -> !Tables.text(part.table()).contains("qualcomm-firehose"), Duration.ofSeconds(10), "the plugin is gone");
        swt.until(() -> part.status().startsWith("Removed " + FIREHOSE), Duration.ofSeconds(5), "the view says so");
    }
}
