package dev.flashgate.upgrade.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.FlashgateHome;
import dev.flashgate.core.device.Device;
import dev.flashgate.core.pkg.CertificateInfo;
import dev.flashgate.core.pkg.KeyRequest;
import dev.flashgate.core.pkg.PackRequest;
import dev.flashgate.core.pkg.SigningCredentials;
import dev.flashgate.core.pkg.SigningKeys;
import dev.flashgate.core.plugin.PluginSigner;
import dev.flashgate.core.session.SessionState;
import dev.flashgate.simulator.DemoFirmware;
import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.testkit.PluginBench;
import dev.flashgate.upgrade.InstalledPlugin;
import dev.flashgate.upgrade.PluginInstaller;
import dev.flashgate.upgrade.SessionOptions;
import dev.flashgate.upgrade.UpdateSession;
import dev.flashgate.upgrade.UpdateSessions;

/**
 * A running station takes in a plugin it did not start with: the AT + YMODEM plugin's jar from
 * this build, signed here by a plugin vendor the station trusts, installed, used, removed.
 */
class HotInstallTest {

    private static final String YMODEM = "dev.flashgate.plugin.ymodem";
    private static final String AT_YMODEM = "at-ymodem";

    @TempDir
    Path dir;

    private final BundleContext context = FrameworkUtil.getBundle(HotInstallTest.class).getBundleContext();
    private PluginBench bench;
    private PluginInstaller installer;
    private UpdateSessions sessions;
    private SigningCredentials pluginVendor;
    private SigningCredentials stranger;

    @BeforeEach
    void setUp() throws Exception {
        bench = new PluginBench(dir);
        installer = bench.service(PluginInstaller.class);
        sessions = bench.sessions();
        pluginVendor = bench.pluginVendor();
        SigningKeys keys = bench.service(SigningKeys.class);
        stranger = keys.generate(new KeyRequest("CN=Package vendor", KeyRequest.KeyType.EC_P256, Duration.ofDays(30), false,
                keys.generate(new KeyRequest("CN=Package CA", KeyRequest.KeyType.EC_P256, Duration.ofDays(30), true, null))));
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            installer.remove(YMODEM);
        } catch (FlashgateException e) {
            assertEquals(ErrorCode.PLUGIN_NOT_INSTALLED, e.code());
        }
        bench.close();
    }

    /** This build's AT + YMODEM plugin jar, copied and signed by {@code who}. */
    private Path ymodemJar(String name, SigningCredentials who) throws Exception {
        Path jar = PluginBench.builtJar(YMODEM, dir.resolve(name));
        if (who != null) {
            bench.service(PluginSigner.class).sign(jar, who);
        }
        return jar;
    }

    private boolean usable() {
        return sessions.plugins().stream().anyMatch(p -> p.id().equals(AT_YMODEM));
    }

    private List<Bundle> bundlesNamed(String name) {
        return Stream.of(context.getBundles()).filter(b -> name.equals(b.getSymbolicName())).toList();
    }

    private Path pluginsFolder() {
        return FlashgateHome.resolve(context.getProperty(FlashgateHome.PROPERTY)).resolve("plugins");
    }

    private List<String> pluginFiles() throws IOException {
        if (!Files.isDirectory(pluginsFolder())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(pluginsFolder())) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private InstalledPlugin listed(String name) {
        return installer.list().stream().filter(p -> p.symbolicName().equals(name)).findFirst().orElse(null);
    }

    private static void awaitState(UpdateSession session, Predicate<SessionState> reached) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!reached.test(session.status().record().state()) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(reached.test(session.status().record().state()), session.status().record().toString());
    }

    @Test
    void aSignedPluginIsUsableAtOnceAndGoesAwayCleanly() throws Exception {
        assertFalse(usable(), "the test runtime starts without the AT + YMODEM plugin");
        SimulatedDevice hotspot = bench.start("HS920S");
        Device device = bench.discovered(hotspot);
        Path pkg = bench.hotspotPackage("FG_HS920S_H01", 64 * 1024);
        assertEquals(ErrorCode.NO_PLUGIN, bench.run(bench.request(pkg, device, SessionOptions.DEFAULTS, false)).record().code());

        List<InstalledPlugin> installed = installer.install(ymodemJar("ymodem.jar", pluginVendor), null);
        assertTrue(usable(), "usable when install returns");
        assertEquals(1, installed.size());
        InstalledPlugin p = installed.get(0);
        assertEquals(YMODEM, p.symbolicName());
        assertEquals(InstalledPlugin.Origin.INSTALLED, p.origin());
        assertEquals(InstalledPlugin.Status.ACTIVE, p.status());
        assertEquals("CN=Plugin vendor", p.signer().subject());
        assertEquals(List.of(AT_YMODEM), p.plugins().stream().map(i -> i.id()).toList());
        assertEquals(InstalledPlugin.Origin.BUILT_IN, listed("dev.flashgate.plugin.firehose").origin());
        assertEquals(List.of(YMODEM + ".jar"), pluginFiles());

        assertEquals(SessionState.SUCCEEDED, bench.run(bench.request(pkg, device, SessionOptions.DEFAULTS, false)).record().state());
        assertEquals("FG_HS920S_H01", hotspot.revision());

        assertEquals(YMODEM, installer.remove(YMODEM).symbolicName());
        assertFalse(usable(), "unbound when remove returns");
        assertEquals(List.of(), bundlesNamed(YMODEM));
        assertEquals(List.of(), pluginFiles());
        assertNull(listed(YMODEM));
        assertEquals(ErrorCode.PLUGIN_NOT_INSTALLED, assertThrows(FlashgateException.class, () -> installer.remove(YMODEM)).code());
        assertEquals(ErrorCode.PLUGIN_NOT_INSTALLED,
                assertThrows(FlashgateException.class, () -> installer.remove("dev.flashgate.plugin.firehose")).code(),
                "plugins that come with Flashgate stay");
    }

    @Test
    void unsignedTamperedAndUntrustedPluginsAreRefusedBeforeAnythingOfThemRuns() throws Exception {
        assertEquals(ErrorCode.PLUGIN_UNSIGNED, refused(ymodemJar("unsigned.jar", null)));
        assertEquals(ErrorCode.PLUGIN_UNTRUSTED, refused(ymodemJar("untrusted.jar", stranger)));
        Path tampered = dir.resolve("tampered.jar");
        rewrite(ymodemJar("signed.jar", pluginVendor), tampered, (name, data) -> {
            if (name.endsWith("AtYmodemPlugin.class")) {
                data[data.length / 2] ^= 1;
            }
            return data;
        });
        assertEquals(ErrorCode.PLUGIN_TAMPERED, refused(tampered));
        assertEquals(ErrorCode.PLUGIN_NOT_A_BUNDLE, refused(Files.writeString(dir.resolve("notes.jar"), "not a plugin")));
    }

    private ErrorCode refused(Path jar) throws IOException {
        ErrorCode code = assertThrows(FlashgateException.class, () -> installer.install(jar, null)).code();
        assertEquals(List.of(), bundlesNamed(YMODEM), "nothing of a refused plugin is installed");
        assertFalse(usable());
        assertEquals(List.of(), pluginFiles(), "and nothing is left in the plugins folder");
        return code;
    }

    @Test
    void removingOrReplacingAPluginIsRefusedWhileItRunsASession() throws Exception {
        installer.install(ymodemJar("ymodem.jar", pluginVendor), null);
        SimulatedDevice hotspot = bench.start("HS920S");
        Device device = bench.discovered(hotspot);
        UpdateSession session = sessions.start(bench.request(bench.hotspotPackage("FG_HS920S_H02", 3 * 1024 * 1024), device,
                SessionOptions.DEFAULTS, false));
        awaitState(session, s -> s == SessionState.TRANSFERRING || s.isFinal());
        assertEquals(SessionState.TRANSFERRING, session.status().record().state());
        assertEquals(ErrorCode.PLUGIN_IN_USE, assertThrows(FlashgateException.class, () -> installer.remove(YMODEM)).code());
        Path again = ymodemJar("again.jar", pluginVendor);
        assertEquals(ErrorCode.PLUGIN_IN_USE, assertThrows(FlashgateException.class, () -> installer.install(again, null)).code());
        assertTrue(usable());
        assertEquals(List.of(YMODEM + ".jar"), pluginFiles());
        assertEquals(SessionState.SUCCEEDED, session.await(Duration.ofSeconds(90)).record().state());

        installer.install(again, null);
        assertTrue(usable(), "replaced once the session ended");
        installer.remove(YMODEM);
        assertFalse(usable());
    }

    @Test
    void aSessionInProgressSurvivesAnotherPluginsInstallAndRemoval() throws Exception {
        SimulatedDevice modem = bench.start("MF833S");
        Device device = bench.discovered(modem);
        UpdateSession session = sessions.start(bench.request(bench.modemPackage("FG_MF833S_H01", 4 * 1024 * 1024), device,
                SessionOptions.DEFAULTS, false));
        awaitState(session, s -> s == SessionState.TRANSFERRING || s.isFinal());
        Path jar = ymodemJar("ymodem.jar", pluginVendor);
        for (int i = 0; i < 3; i++) {
            installer.install(jar, null);
            assertTrue(usable());
            installer.remove(YMODEM);
            assertFalse(usable());
        }
        assertFalse(session.status().record().state().isFinal(), "the installs and removals took less than the session");
        assertEquals(SessionState.SUCCEEDED, session.await(Duration.ofSeconds(120)).record().state());
        assertEquals("FG_MF833S_H01", modem.revision());
    }

    @Test
    void installedPluginsAreCheckedAgainWhenTheStationStarts() throws Exception {
        installer.install(ymodemJar("ymodem.jar", pluginVendor), null);
        ServiceComponentRuntime scr = bench.service(ServiceComponentRuntime.class);
        ComponentDescriptionDTO manager = scr.getComponentDescriptionDTO(FrameworkUtil.getBundle(PluginManager.class),
                PluginManager.class.getName());

        // a station that stops leaves the plugin bundle installed but not started (it was started transiently)
        restart(scr, manager, () -> bundlesNamed(YMODEM).get(0).stop(Bundle.STOP_TRANSIENT));
        assertEquals(Bundle.ACTIVE, bundlesNamed(YMODEM).get(0).getState());
        assertTrue(usable(), "started again after its jar passed");

        // while the station is down, someone changes the installed jar
        Path installed = pluginsFolder().resolve(YMODEM + ".jar");
        restart(scr, manager, () -> {
            bundlesNamed(YMODEM).get(0).stop(Bundle.STOP_TRANSIENT);
            Path copy = dir.resolve("copy.jar");
            rewrite(installed, copy, (name, data) -> name.endsWith(".class") ? Arrays.copyOf(data, data.length + 1) : data);
            Files.copy(copy, installed, StandardCopyOption.REPLACE_EXISTING);
        });
        assertFalse(usable());
        assertEquals(List.of(), bundlesNamed(YMODEM));
        InstalledPlugin refused = listed(YMODEM);
        assertEquals(InstalledPlugin.Status.REFUSED, refused.status());
        assertEquals(ErrorCode.PLUGIN_TAMPERED, refused.problem());
        installer.remove(YMODEM);
        assertNull(listed(YMODEM));
        assertEquals(List.of(), pluginFiles());
    }

    private interface Downtime {
        void run() throws Exception;
    }

    /** Deactivates the installer, does what happens while the station is down, activates it again. */
    private void restart(ServiceComponentRuntime scr, ComponentDescriptionDTO manager, Downtime downtime) throws Exception {
        scr.disableComponent(manager).getValue();
        try {
            downtime.run();
        } finally {
            scr.enableComponent(manager).getValue();
        }
        installer = bench.service(PluginInstaller.class);
    }

    @Test
    void aFeatureOfAP2RepositoryIsInstalledFromAFolderOrAZip() throws Exception {
        Path jar = ymodemJar("ymodem.jar", pluginVendor);
        String version;
        try (JarFile j = new JarFile(jar.toFile())) {
            version = j.getManifest().getMainAttributes().getValue("Bundle-Version");
        }
        Path repo = Files.createDirectories(dir.resolve("repository"));
        Files.createDirectories(repo.resolve("plugins"));
        Files.copy(jar, repo.resolve("plugins/" + YMODEM + "_" + version + ".jar"));
        feature(repo, "com.example.ymodem.feature", "<plugin id=\"" + YMODEM + "\" version=\"" + version + "\"/>");
        feature(repo, "com.example.broken.feature", "<plugin id=\"com.example.missing\" version=\"1.0.0\"/>");
        assertEquals(List.of("com.example.broken.feature", "com.example.ymodem.feature"), installer.features(repo));

        assertEquals(ErrorCode.USAGE, assertThrows(FlashgateException.class, () -> installer.install(repo, null)).code(),
                "two features: the operator names one");
        assertEquals(ErrorCode.PLUGIN_NOT_A_BUNDLE,
                assertThrows(FlashgateException.class, () -> installer.install(repo, "com.example.broken.feature")).code());
        assertEquals(List.of(YMODEM), installer.install(repo, "com.example.ymodem.feature").stream()
                .map(InstalledPlugin::symbolicName).toList());
        assertTrue(usable());
        installer.remove(YMODEM);

        Path zip = dir.resolve("repository.zip");
        zip(repo, zip, "repository/");
        installer.install(zip, "com.example.ymodem.feature");
        assertTrue(usable());
        assertEquals(List.of(YMODEM + ".jar"), pluginFiles(), "the unpacked repository is gone");
        installer.remove(YMODEM);

        Path evil = dir.resolve("evil.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(evil))) {
            out.putNextEntry(new ZipEntry("../outside.txt"));
            out.write(1);
            out.closeEntry();
        }
        assertEquals(ErrorCode.PLUGIN_NOT_A_BUNDLE, assertThrows(FlashgateException.class, () -> installer.install(evil, null)).code());
        assertFalse(Files.exists(pluginsFolder().getParent().resolve("outside.txt")));
        assertEquals(List.of(), pluginFiles());
    }

    /**
     * The path vendors use: the example plugin, built into this build's signed repository and in
     * no runtime, installed while a module it handles is plugged in; usable at once, then removed.
     */
    @Test
    void theExamplePluginIsInstalledFromTheSignedRepositoryAndUpdatesAModuleAlreadyPluggedIn() throws Exception {
        Path module = Path.of(System.getProperty("flashgate.reactor"), "releng", "dev.flashgate.plugins.repository");
        Path repo = module.resolve("target/repository");
        String example = "dev.flashgate.plugin.atfota.feature";
        assertEquals(List.of(example, "dev.flashgate.plugin.firehose.feature", "dev.flashgate.plugin.ymodem.feature"),
                installer.features(repo));
        SimulatedDevice lte = bench.start("ME360S");
        Device device = bench.discovered(lte);
        assertEquals(List.of(), sessions.pluginsFor(device), "no plugin of the runtime handles the module");
        Path image = dir.resolve("me360s.bin");
        DemoFirmware.image(image, "ME360S", "FG_ME360S_H01", 2, 96 * 1024, 7);
        Path pkg = bench.pack("me360s", Map.of("vendor", "Test", "version", "FG_ME360S_H01", "versionCode", 2L,
                "securityVersion", 2L, "target.plugin", "at-fota", "target.models", List.of("ME360S")),
                List.of(new PackRequest.Source(image, "images/me360s.bin", "image")), true);

        assertEquals(ErrorCode.PLUGIN_UNTRUSTED, assertThrows(FlashgateException.class, () -> installer.install(repo, example)).code(),
                "signed by the build, not yet trusted");
        CertificateInfo development = installer.trust().add(module.resolve("signing/dev-plugin-signing.pem")).get(0);
        try {
            List<InstalledPlugin> installed = installer.install(repo, example);
            assertEquals(List.of("dev.flashgate.plugin.atfota", "dev.flashgate.plugin.atfota.ui"),
                    installed.stream().map(InstalledPlugin::symbolicName).toList(), "the plugin and its workbench contribution");
            assertEquals(InstalledPlugin.Status.ACTIVE, installed.get(1).status(), "resolves without a workbench too");
            assertTrue(installed.get(0).signer().subject().startsWith("CN=Flashgate development plugin signing"));
            assertEquals(List.of("at-fota"), sessions.pluginsFor(device).stream().map(p -> p.id()).toList(), "usable at once");

            assertEquals(SessionState.SUCCEEDED, bench.run(bench.request(pkg, device, SessionOptions.DEFAULTS, false)).record().state());
            assertEquals("FG_ME360S_H01", lte.revision());
            installer.remove("dev.flashgate.plugin.atfota");
            installer.remove("dev.flashgate.plugin.atfota.ui");
            assertEquals(List.of(), sessions.pluginsFor(bench.discovered(lte)));
        } finally {
            installer.trust().remove(development.sha256Fingerprint());
        }
    }

    private static void feature(Path repo, String id, String plugins) throws IOException {
        Path features = Files.createDirectories(repo.resolve("features"));
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(features.resolve(id + "_1.0.0.jar")))) {
            out.putNextEntry(new ZipEntry("feature.xml"));
            out.write(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feature id=\"" + id + "\" version=\"1.0.0\">" + plugins
                    + "</feature>").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
    }

    private static void zip(Path folder, Path zip, String prefix) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip)); Stream<Path> files = Files.walk(folder)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new ZipEntry(prefix + folder.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }

    private interface EntryChange {
        byte[] apply(String name, byte[] data);
    }

    /** Copies a jar entry by entry, passing each entry's bytes through {@code change}. */
    private static void rewrite(Path jar, Path out, EntryChange change) throws IOException {
        try (ZipFile in = new ZipFile(jar.toFile()); OutputStream file = Files.newOutputStream(out);
                ZipOutputStream zip = new ZipOutputStream(file)) {
            for (ZipEntry e : Collections.list(in.entries())) {
                byte[] data;
                try (InputStream s = in.getInputStream(e)) {
                    data = s.readAllBytes();
                }
                zip.putNextEntry(new ZipEntry(e.getName()));
                zip.write(change.apply(e.getName(), data));
                zip.closeEntry();
            }
        }
    }
}
