package dev.flashgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The command line as a vendor and a technician use it, run inside the OSGi runtime. */
class CommandLineTest {

    @TempDir
    Path home;

    private CliHarness cli;

    @BeforeEach
    void wire() throws Exception {
        cli = new CliHarness(home);
    }

    @Test
    void everyFlashgateComponentIsSatisfiedAndTheBundlesAreActive() throws Exception {
        BundleContext context = FrameworkUtil.getBundle(FlashgateCommands.class).getBundleContext();
        ServiceComponentRuntime scr = CliHarness.service(context, ServiceComponentRuntime.class);
        List<Bundle> ours = java.util.Arrays.stream(context.getBundles())
                .filter(b -> b.getSymbolicName().startsWith("dev.flashgate.") && !b.getSymbolicName().endsWith(".tests"))
                .toList();
        assertEquals(11, ours.size(), ours.toString());
        int components = 0;
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(ours.toArray(Bundle[]::new))) {
            components++;
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                assertTrue(c.state == ComponentConfigurationDTO.ACTIVE || c.state == ComponentConfigurationDTO.SATISFIED,
                        d.name + " is in state " + c.state + ", unsatisfied: " + java.util.Arrays.toString(c.unsatisfiedReferences));
            }
            assertFalse(scr.getComponentConfigurationDTOs(d).isEmpty(), d.name + " has no configuration");
        }
        assertEquals(23, components);
        CliHarness.service(context, FlashgateCommands.class);
    }

    @Test
    void versionAndHelp() {
        CliHarness.Result version = cli.run("--version");
        assertEquals(0, version.status());
        assertEquals("flashgate 0.0.0.test", version.out().strip());
        CliHarness.Result help = cli.run("verify", "--help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("--trust"), help.out());
    }

    @Test
    void badArgumentsAndUnreadableFilesAreUsageErrors() {
        assertEquals(2, cli.run("verify").status());
        assertEquals(2, cli.run("frobnicate").status());
        CliHarness.Result missing = cli.run("verify", home.resolve("nope.fgp"));
        assertEquals(2, missing.status());
        assertTrue(missing.err().startsWith("USAGE: "), missing.err());
    }

    @Test
    void theDemoVerifiesItsSamplesAndRejectsTheCorruptedOne() {
        CliHarness.Result demo = cli.run("demo");
        assertEquals(0, demo.status(), demo.all());
        assertTrue(demo.out().contains("VERIFIED  " + home.resolve("demo/packages/MF833S-FG_MF833S_B07.fgp")), demo.out());
        assertTrue(demo.out().contains("HASH_MISMATCH: images/hs920s.bin"), demo.out());
        assertTrue(demo.out().contains("Resolution: Download the package again"), demo.out());
        // A01 from the factory, A02 once an earlier demo in this runtime updated it
        assertTrue(demo.out().lines().anyMatch(l -> l.matches("PRESENT  HS920S     FG_HS920S_A0[12] .*")),
                "the embedded default shows a simulated hotspot discovered and identified:\n" + demo.out());
        assertTrue(demo.out().lines().anyMatch(l -> l.startsWith("PRESENT  MF833S") && l.contains("diag=") && l.contains("at=")),
                "and a simulated modem with its DIAG and AT ports:\n" + demo.out());
        assertTrue(demo.out().contains("SUCCEEDED: HS920S") && demo.out().contains("now runs FG_HS920S_A02"),
                "the embedded default updates the simulated hotspot:\n" + demo.out());
        assertTrue(demo.out().contains("SUCCEEDED: MF833S") && demo.out().contains("now runs FG_MF833S_B07"),
                "and the simulated modem, through emergency download:\n" + demo.out());
        assertTrue(cli.run("trust", "list").out().contains("no trust anchors"), "the demo CA must never enter the trust store");
        CliHarness.Result plain = cli.run("verify", home.resolve("demo/packages/MF833S-FG_MF833S_B07.fgp"));
        assertEquals(4, plain.status(), plain.all());
        assertTrue(plain.err().contains("SIG_UNTRUSTED: "), plain.err());
        assertEquals(0, cli.run("demo").status(), "a second run reuses the samples");
    }

    @Test
    void pluginsAreListedSignedByTheirVendorAndCheckedBeforeInstalling() throws Exception {
        CliHarness.Result list = cli.run("plugins", "list", "--json");
        assertEquals(0, list.status(), list.all());
        JsonNode plugins = new ObjectMapper().readTree(list.out());
        assertEquals(List.of("dev.flashgate.plugin.firehose", "dev.flashgate.plugin.ymodem"),
                java.util.stream.StreamSupport.stream(plugins.spliterator(), false).map(p -> p.get("symbolicName").asText())
                        .sorted().toList());
        plugins.forEach(p -> assertEquals("BUILT_IN", p.get("origin").asText()));

        Path ca = home.resolve("vendor/plugin-ca.pem");
        Path caKey = home.resolve("vendor/plugin-ca.key.pem");
        Path cert = home.resolve("vendor/plugin-signer.pem");
        Path key = home.resolve("vendor/plugin-signer.key.pem");
        assertEquals(0, cli.run("keygen", "--ca", "--subject", "CN=Example Plugin CA", "--key-out", caKey, "--cert-out", ca).status());
        assertEquals(0, cli.run("keygen", "--subject", "CN=Example Plugin Signing", "--issuer-key", caKey, "--issuer-cert", ca,
                "--key-out", key, "--cert-out", cert).status());
        Path built;
        Path target = Path.of(System.getProperty("flashgate.reactor"), "bundles/dev.flashgate.plugin.ymodem/target");
        try (var jars = Files.list(target)) {
            built = jars.filter(p -> p.getFileName().toString().matches("dev\\.flashgate\\.plugin\\.ymodem-[0-9.]+(-SNAPSHOT)?\\.jar"))
                    .findFirst().orElseThrow();
        }
        Path unsigned = Files.copy(built, home.resolve("unsigned.jar"));
        Path jar = Files.copy(built, home.resolve("ymodem.jar"));
        CliHarness.Result signed = cli.run("plugins", "sign", jar, "--key", key, "--cert", cert);
        assertEquals(0, signed.status(), signed.all());

        CliHarness.Result untrusted = cli.run("plugins", "install", jar);
        assertEquals(11, untrusted.status(), untrusted.all());
        assertTrue(untrusted.err().startsWith("PLUGIN_UNTRUSTED"), untrusted.err());
        assertEquals(0, cli.run("trust", "add", "--plugins", ca).status());
        try {
            assertTrue(cli.run("trust", "list", "--plugins").out().contains("CN=Example Plugin CA"));
            assertFalse(cli.run("trust", "list").out().contains("CN=Example Plugin CA"), "plugin anchors are kept apart");
            CliHarness.Result plain = cli.run("plugins", "install", unsigned);
            assertEquals(11, plain.status(), plain.all());
            assertTrue(plain.err().startsWith("PLUGIN_UNSIGNED"), plain.err());
            CliHarness.Result same = cli.run("plugins", "install", jar);
            assertEquals(0, same.status(), same.all());
            assertTrue(same.out().contains("nothing to install"), same.out());
            CliHarness.Result builtIn = cli.run("plugins", "remove", "dev.flashgate.plugin.firehose");
            assertEquals(11, builtIn.status(), builtIn.all());
            assertTrue(builtIn.err().startsWith("PLUGIN_NOT_INSTALLED"), builtIn.err());
        } finally {
            String fingerprint = new ObjectMapper().readTree(cli.run("trust", "list", "--plugins", "--json").out()).get(0)
                    .get("sha256Fingerprint").asText();
            assertEquals(0, cli.run("trust", "remove", "--plugins", fingerprint).status());
        }
    }

    @Test
    void aVendorCreatesKeysPacksAndSignsAndAStationVerifies() throws Exception {
        Path ca = home.resolve("vendor/ca.pem");
        Path caKey = home.resolve("vendor/ca.key.pem");
        Path cert = home.resolve("vendor/signer.pem");
        Path key = home.resolve("vendor/signer.key.pem");
        assertEquals(0, cli.run("keygen", "--ca", "--subject", "CN=Example Vendor CA, O=Example", "--type", "rsa_3072",
                "--key-out", caKey, "--cert-out", ca).status());
        assertEquals(0, cli.run("keygen", "--subject", "CN=Example Firmware Signing, O=Example", "--issuer-key", caKey,
                "--issuer-cert", ca, "--key-out", key, "--cert-out", cert).status());
        assertEquals(2, cli.run("keygen", "--subject", "CN=again", "--key-out", key, "--cert-out", cert).status(),
                "an existing key is never overwritten silently");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));

        Path image = Files.write(home.resolve("fw.bin"), new byte[200_000]);
        Files.writeString(home.resolve("template.json"), """
                {"vendor": "Example", "title": "HS920S A03", "version": "FG_HS920S_A03", "versionCode": 3,
                 "target": {"plugin": "at-ymodem", "models": ["HS920S"], "x-slot": "B"},
                 "artifacts": [{"path": "images/hs920s.bin", "file": "fw.bin", "type": "image", "x-compress": "none"}],
                 "x-release-channel": "beta"}
                """);
        Path pkg = home.resolve("out/hs920s.fgp");
        CliHarness.Result packed = cli.run("pack", "--manifest", home.resolve("template.json"), "--security-version", "4",
                "-o", pkg, "--key", key, "--cert", cert);
        assertEquals(0, packed.status(), packed.all());

        CliHarness.Result verified = cli.run("verify", pkg, "--trust", ca);
        assertEquals(0, verified.status(), verified.all());
        assertTrue(verified.out().contains("FG_HS920S_A03 (versionCode 3, securityVersion 4)"), verified.out());

        JsonNode json = new ObjectMapper().readTree(cli.run("inspect", "--json", pkg, "--trust", ca).out());
        assertTrue(json.get("verified").asBoolean());
        assertTrue(json.get("manifestAuthenticated").asBoolean());
        assertEquals("beta", json.at("/manifest/unknownFields/x-release-channel").asText());
        assertEquals("B", json.at("/manifest/target/unknownFields/x-slot").asText());
        assertEquals("none", json.at("/manifest/artifacts/0/unknownFields/x-compress").asText());
        assertEquals(200_000, json.at("/manifest/artifacts/0/size").asLong());
        assertEquals("codeSigning", json.at("/signature/signer/extendedKeyUsage/0").asText());
        assertEquals(3, json.at("/signature/chain").size() + 1, "signer and anchor");

        assertEquals(4, cli.run("verify", pkg).status(), "nothing is trusted before 'trust add'");
        assertEquals(0, cli.run("trust", "add", ca).status());
        assertEquals(0, cli.run("verify", pkg).status());
        String fingerprint = cli.trustStore().list().get(0).sha256Fingerprint();
        assertTrue(cli.run("trust", "list").out().contains(fingerprint));
        assertEquals(0, cli.run("trust", "remove", fingerprint.substring(0, 12)).status());
        assertEquals(4, cli.run("verify", pkg).status());
    }

    @Test
    void devicesListsSimulatedDevicesIdentified() throws Exception {
        var hotspot = cli.simulators().start("HS920S", "CLI0001");
        try {
            CliHarness.Result listed = cli.run("devices", "--json");
            assertEquals(0, listed.status(), listed.all());
            JsonNode devices = new ObjectMapper().readTree(listed.out());
            JsonNode mine = java.util.stream.StreamSupport.stream(devices.spliterator(), false)
                    .filter(d -> ("imei:" + hotspot.imei()).equals(d.get("id").asText())).findFirst().orElseThrow();
            assertEquals("PRESENT", mine.get("presence").asText());
            assertEquals("HS920S", mine.at("/identity/model").asText());
            assertEquals("19d2:16f0", mine.at("/ports/0/usb").asText());
            assertEquals("usb-ZTE_HS920S_CLI0001-if00-port0", mine.at("/ports/0/stableName").asText());
            assertTrue(cli.run("devices").out().contains(hotspot.imei()));
        } finally {
            hotspot.close();
        }
    }

    @Test
    void devicesWatchPrintsDevicesAsTheyArriveAndLeave() throws Exception {
        CliHarness.Result[] result = new CliHarness.Result[1];
        Thread watch = new Thread(() -> result[0] = cli.run("devices", "--watch"));
        watch.start();
        Thread.sleep(1500);
        var hotspot = cli.simulators().start("HS920S", "WATCH01");
        Thread.sleep(1500);
        hotspot.close();
        Thread.sleep(1500);
        watch.interrupt();
        watch.join(5000);
        assertEquals(0, result[0].status(), result[0].all());
        String out = result[0].out();
        assertTrue(out.lines().anyMatch(l -> l.startsWith("+ PRESENT") && l.contains(hotspot.imei())), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("~ GONE") && l.contains(hotspot.imei())), out);
    }

    @Test
    void devicesProbesAPortNamedOnTheCommandLine() throws Exception {
        Path deviceEnd = home.resolve("pty-device");
        Path hostEnd = home.resolve("pty-host");
        Process socat = new ProcessBuilder("socat", "pty,raw,echo=0,link=" + deviceEnd, "pty,raw,echo=0,link=" + hostEnd)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
            while (!(Files.exists(deviceEnd) && Files.exists(hostEnd))) {
                assertTrue(System.nanoTime() < deadline, "socat made no ptys");
                Thread.sleep(10);
            }
            BundleContext context = FrameworkUtil.getBundle(FlashgateCommands.class).getBundleContext();
            dev.flashgate.core.device.SerialLink modem = CliHarness.service(context, dev.flashgate.core.device.SerialLinks.class)
                    .open(deviceEnd.toString());
            Thread answering = new Thread(() -> {
                byte[] buffer = new byte[256];
                StringBuilder line = new StringBuilder();
                try {
                    while (modem.isOpen()) {
                        int n = modem.read(buffer, 0, buffer.length, java.time.Duration.ofMillis(100));
                        for (int i = 0; i < n; i++) {
                            if (buffer[i] != '\r') {
                                line.append((char) buffer[i]);
                                continue;
                            }
                            String reply = switch (line.toString()) {
                                case "AT" -> "\r\nOK\r\n";
                                case "ATI" -> "\r\nManufacturer: Acme\r\nModel: PORT1\r\nRevision: R1\r\nIMEI: 350000000000017\r\n\r\nOK\r\n";
                                default -> "\r\nERROR\r\n";
                            };
                            line.setLength(0);
                            modem.write(reply.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        }
                    }
                } catch (dev.flashgate.core.FlashgateException e) {
                    // the test is over
                }
            });
            answering.setDaemon(true);
            answering.start();
            CliHarness.Result listed = cli.run("devices", "--json", "--port", hostEnd);
            assertEquals(0, listed.status(), listed.all());
            JsonNode devices = new ObjectMapper().readTree(listed.out());
            JsonNode mine = java.util.stream.StreamSupport.stream(devices.spliterator(), false)
                    .filter(d -> "imei:350000000000017".equals(d.get("id").asText())).findFirst().orElseThrow(
                            () -> new AssertionError(listed.out()));
            assertEquals("PORT1", mine.at("/identity/model").asText());
            assertEquals("CONFIGURED", mine.at("/ports/0/origin").asText());
            modem.close();
        } finally {
            socat.destroy();
        }
    }

    @Test
    void exitStatusFollowsTheErrorClass() throws Exception {
        cli.run("demo");
        Path ca = home.resolve("demo/demo-ca.pem");
        Path pkg = Files.copy(home.resolve("demo/packages/HS920S-FG_HS920S_A02.fgp"), home.resolve("copy.fgp"));
        try (RandomAccessFile f = new RandomAccessFile(pkg.toFile(), "rw")) {
            f.setLength(f.length() - 10);
        }
        CliHarness.Result truncated = cli.run("verify", pkg, "--trust", ca);
        assertEquals(3, truncated.status(), truncated.all());
        assertTrue(truncated.err().contains("PKG_TRUNCATED: "), truncated.err());

        CliHarness.Result corrupted = cli.run("verify", "--json", home.resolve("demo/packages/HS920S-FG_HS920S_A02-corrupted.fgp"),
                "--trust", ca);
        assertEquals(5, corrupted.status());
        JsonNode error = new ObjectMapper().readTree(corrupted.out()).get("error");
        assertEquals(Map.of("code", "HASH_MISMATCH", "exitStatus", 5), Map.of("code", error.get("code").asText(),
                "exitStatus", error.get("exitStatus").asInt()));
        assertFalse(error.get("resolution").asText().isBlank());

        CliHarness.Result inspected = cli.run("inspect", home.resolve("demo/packages/HS920S-FG_HS920S_A02-corrupted.fgp"));
        assertEquals(4, inspected.status(), "without the demo anchor the signature is the first broken rule");
        assertTrue(inspected.out().contains("NOT AUTHENTICATED"), inspected.out());
        assertTrue(inspected.out().contains("HASH_MISMATCH  images/hs920s.bin"), inspected.out());
    }
}
