package dev.flashgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.flashgate.simulator.SimulatedDevice;

/** {@code flash} and {@code history} as a technician uses them, on a simulated hotspot. */
class FlashCommandTest {

    @TempDir
    Path home;

    private CliHarness cli;
    private Path ca;
    private Path packages;

    @BeforeEach
    void demo() throws Exception {
        cli = new CliHarness(home);
        assertEquals(0, cli.run("demo").status());
        ca = home.resolve("demo/demo-ca.pem");
        packages = home.resolve("demo/packages");
    }

    private SimulatedDevice hotspot() throws Exception {
        SimulatedDevice d = cli.simulators().start("HS920S", "F" + Integer.toHexString(ThreadLocalRandom.current().nextInt() >>> 1));
        CliHarness.Result seen;
        long deadline = System.nanoTime() + 20_000_000_000L;
        do {
            seen = cli.run("devices");
        } while (!seen.out().contains(d.imei()) && System.nanoTime() < deadline);
        return d;
    }

    /** A simulated MF833S (serial prefix {@code prefix}) once {@code devices} lists it. */
    private SimulatedDevice modem(String prefix) throws Exception {
        SimulatedDevice modem = cli.simulators().start("MF833S", prefix + Integer.toHexString(ThreadLocalRandom.current().nextInt() >>> 1));
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!cli.run("devices").out().contains(modem.imei()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return modem;
    }

    @Test
    void flashUpdatesTheDeviceAndHistoryShowsItAsTextJsonAndCsv() throws Exception {
        SimulatedDevice device = hotspot();
        CliHarness.Result flashed = cli.run("flash", packages.resolve("HS920S-FG_HS920S_A02.fgp"), "--device", device.imei(),
                "--trust", ca);
        assertEquals(0, flashed.status(), flashed.all());
        assertTrue(flashed.out().contains("SUCCEEDED: HS920S " + device.imei() + " now runs FG_HS920S_A02 (was FG_HS920S_A01"),
                flashed.out());
        assertTrue(flashed.err().contains("re-identified IMEI " + device.imei()), flashed.err());
        assertEquals("FG_HS920S_A02", device.revision());

        CliHarness.Result text = cli.run("history", "--device", device.imei());
        assertEquals(0, text.status());
        assertTrue(text.out().lines().anyMatch(l -> l.contains("SUCCEEDED") && l.contains(device.imei())), text.out());

        JsonNode json = new ObjectMapper().readTree(cli.run("history", "--device", device.imei(), "--json").out());
        assertEquals(1, json.size());
        assertEquals("SUCCEEDED", json.get(0).get("state").asText());
        assertEquals("FG_HS920S_A01", json.get(0).get("revisionBefore").asText());
        String id = json.get(0).get("id").asText();
        JsonNode one = new ObjectMapper().readTree(cli.run("history", "--session", id, "--json").out());
        assertEquals(8, one.get("transitions").size());

        Path csv = home.resolve("export/history.csv");
        Files.createDirectories(csv.getParent());
        assertEquals(0, cli.run("history", "--device", device.imei(), "--csv", csv).status());
        List<String> lines = Files.readAllLines(csv);
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("id,started,ended,state"), lines.get(0));
        assertTrue(lines.get(1).startsWith(id + ",") && lines.get(1).contains(device.imei()), lines.get(1));
        try (var files = Files.list(csv.getParent())) {
            assertEquals(1, files.count(), "no partial export left behind");
        }
    }

    /**
     * The command a failed session suggests works: a modem left in emergency download cannot say its
     * IMEI, and {@code --device IMEI} finds it behind the port the journal knows a session bound.
     */
    @Test
    void aModemLeftInEmergencyDownloadIsRecoveredByItsImei() throws Exception {
        SimulatedDevice modem = modem("R");
        Path pkg = packages.resolve("MF833S-FG_MF833S_B07.fgp");
        modem.inject(dev.flashgate.simulator.Faults.parse(List.of("power-loss-after=" + (96 * 1024 + 100 * 1024))));
        CliHarness.Result cut = cli.run("flash", pkg, "--device", modem.imei(), "--trust", ca, "--retries", "0",
                "--stall-timeout", "3");
        assertEquals(8, cut.status(), cut.all());
        modem.reenumerate(); // power back: the torn modem partition leaves it in emergency download
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!cli.run("devices").out().contains("EDL") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }

        CliHarness.Result recovered = cli.run("flash", pkg, "--device", modem.imei(), "--trust", ca);
        assertEquals(0, recovered.status(), recovered.all());
        assertTrue(recovered.err().contains("in emergency download is IMEI " + modem.imei()), recovered.err());
        assertTrue(recovered.out().contains("SUCCEEDED: MF833S " + modem.imei() + " now runs FG_MF833S_B07 (was in emergency "
                + "download"), recovered.out());
        assertEquals("FG_MF833S_B07", modem.revision());
        modem.close();
    }

    /**
     * A modem's flash keeps its efs2 and fsg (IMEI, RF calibration) and the programmer first;
     * {@code restore --list} shows them and {@code restore --device IMEI} writes them back.
     */
    @Test
    void restoreListsAndWritesBackWhatAFlashKept() throws Exception {
        SimulatedDevice modem = modem("K");
        CliHarness.Result none = cli.run("restore", "--device", modem.imei());
        assertEquals(2, none.status(), none.all());
        assertTrue(none.err().contains("lists no copies kept of IMEI " + modem.imei()), none.err());

        CliHarness.Result flashed = cli.run("flash", packages.resolve("MF833S-FG_MF833S_B07.fgp"), "--device", modem.imei(),
                "--trust", ca, "--json");
        assertEquals(0, flashed.status(), flashed.all());
        String session = new ObjectMapper().readTree(flashed.out()).get("id").asText();
        JsonNode kept = new ObjectMapper().readTree(cli.run("restore", "--device", modem.imei(), "--list", "--json").out());
        assertEquals(List.of("efs2", "fsg", "programmer"), java.util.stream.StreamSupport.stream(kept.spliterator(), false)
                .map(k -> k.get("name").asText()).sorted().toList());
        kept.forEach(k -> assertEquals(session, k.get("session").asText()));

        CliHarness.Result restored = cli.run("restore", "--device", modem.imei());
        assertEquals(0, restored.status(), restored.all());
        assertTrue(restored.out().contains("SUCCEEDED: MF833S " + modem.imei() + " holds again what session " + session
                + " kept of it; runs FG_MF833S_B07"), restored.out());
        assertTrue(restored.err().contains("re-identified IMEI " + modem.imei()), restored.err());
        assertEquals("boots FG_MF833S_B07", modem.condition());
        modem.close();
    }

    /** The demo's vendor-style flat build is packed and signed with one command, verifies, and updates a modem. */
    @Test
    void aVendorFlatBuildIsPackedSignedAndFlashed() throws Exception {
        Path flat = home.resolve("demo/flat-build/MF833S-FG_MF833S_B08");
        Path pkg = home.resolve("out/MF833S-FG_MF833S_B08.fgp");
        Files.createDirectories(pkg.getParent());
        CliHarness.Result packed = cli.run("pack", "--flat-build", flat, "--vendor", "Flashgate demo", "--firmware-version",
                "FG_MF833S_B08", "--version-code", "108", "--security-version", "3", "--model", "MF833S",
                "--key", home.resolve("demo/demo-signer.key.pem"), "--cert", home.resolve("demo/demo-signer.pem"), "-o", pkg);
        assertEquals(0, packed.status(), packed.all());
        assertTrue(packed.err().contains("flat build: not packed: build-notes.txt"), packed.err());
        JsonNode report = new ObjectMapper().readTree(cli.run("verify", pkg, "--trust", ca, "--json").out());
        assertTrue(report.get("verified").asBoolean(), report.toString());
        assertEquals(List.of("NON-HLOS.ubi", "partition.mbn", "patch_p2K_b128K.xml", "prog_nand_firehose_9x07.mbn",
                "rawprogram_nand_p2K_b128K.xml"), java.util.stream.StreamSupport.stream(report.get("artifacts").spliterator(), false)
                        .map(a -> a.get("path").asText()).sorted().toList());

        SimulatedDevice modem = modem("Q");
        CliHarness.Result flashed = cli.run("flash", pkg, "--device", modem.imei(), "--trust", ca);
        assertEquals(0, flashed.status(), flashed.all());
        assertEquals("FG_MF833S_B08", modem.revision());
        modem.close();
    }

    @Test
    void severalDevicesAreUpdatedAtOnceEachInItsOwnSession() throws Exception {
        SimulatedDevice first = hotspot();
        SimulatedDevice second = hotspot();
        CliHarness.Result both = cli.run("flash", packages.resolve("HS920S-FG_HS920S_A02.fgp"), "--device", first.imei(),
                "--device", second.imei(), "--trust", ca, "--json");
        assertEquals(0, both.status(), both.all());
        JsonNode sessions = new ObjectMapper().readTree(both.out());
        assertEquals(2, sessions.size());
        for (JsonNode s : sessions) {
            assertEquals("SUCCEEDED", s.get("state").asText(), s.toString());
        }
        assertTrue(both.err().contains("[" + first.imei() + "]") && both.err().contains("[" + second.imei() + "]"), both.err());
        assertEquals("FG_HS920S_A02", first.revision());
        assertEquals("FG_HS920S_A02", second.revision());
    }

    @Test
    void aBrokenPackageNeverReachesTheDeviceAndTheExitStatusSaysWhy() throws Exception {
        SimulatedDevice device = hotspot();
        CliHarness.Result corrupted = cli.run("flash", packages.resolve("HS920S-FG_HS920S_A02-corrupted.fgp"), "--port",
                device.hostPorts().get(0), "--trust", ca);
        assertEquals(5, corrupted.status(), corrupted.all());
        assertTrue(corrupted.err().contains("HASH_MISMATCH: images/hs920s.bin"), corrupted.err());
        assertTrue(corrupted.err().contains("Device:     UNTOUCHED: nothing was sent to the device"), corrupted.err());
        assertEquals("FG_HS920S_A01", device.revision());

        CliHarness.Result untrusted = cli.run("flash", packages.resolve("HS920S-FG_HS920S_A02.fgp"), "--device", device.imei());
        assertEquals(4, untrusted.status(), "the station's own trust store does not trust the demo CA:\n" + untrusted.all());

        CliHarness.Result wrongModel = cli.run("flash", packages.resolve("MF833S-FG_MF833S_B07.fgp"), "--device", device.imei(),
                "--trust", ca);
        assertEquals(6, wrongModel.status(), wrongModel.all());
        assertTrue(wrongModel.err().contains("NO_PLUGIN") || wrongModel.err().contains("INCOMPATIBLE_MODEL"), wrongModel.err());

        assertEquals(8, cli.run("flash", packages.resolve("HS920S-FG_HS920S_A02.fgp"), "--device", "000000000000000").status());
        assertEquals(2, cli.run("flash", home.resolve("missing.fgp")).status());
    }
}
