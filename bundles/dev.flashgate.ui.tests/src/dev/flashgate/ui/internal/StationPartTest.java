package dev.flashgate.ui.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.flashgate.core.Topics;
import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.station.StationMode;
import dev.flashgate.testkit.PluginBench;

/** The Station view runs station mode from a policy: a plugged-in hotspot is updated and its row says so; a module no rule names is left alone. */
class StationPartTest {

    @TempDir
    Path dir;

    private PluginBench bench;
    private SwtBench swt;
    private StationPart part;

    @BeforeEach
    void setUp() throws Exception {
        SwtBench.assumeDisplay();
        bench = new PluginBench(dir);
        swt = new SwtBench();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (swt == null) {
            return;
        }
        if (part != null) {
            part.dispose();
        }
        swt.close();
        bench.close();
    }

    @Test
    void aDeviceThePolicyNamesIsUpdatedWithoutAClick() throws Exception {
        Path pkg = bench.hotspotPackage("FG_HS920S_V20", 64 * 1024);
        bench.anchorsPem(dir.resolve("ca.pem"));
        Path policy = Files.writeString(dir.resolve("policy.json"), """
                {"parallel": 2, "trust": ["ca.pem"], "rules": [{"model": "HS920S", "file": "%s"}]}"""
                .formatted(pkg.getFileName()));
        SimulatedDevice hotspot = bench.start("HS920S");
        SimulatedDevice module = bench.start("ME360S");
        bench.discovered(hotspot);
        bench.discovered(module);

        part = new StationPart(bench.service(StationMode.class), swt.sync());
        part.create(swt.parent());
        swt.deliver(part::stationEvent, Topics.STATION_ALL);
        swt.open();
        part.start(policy);
        swt.until(() -> row(hotspot).contains("SUCCEEDED"), Duration.ofSeconds(90), "the hotspot's row says it was updated");
        assertTrue(row(hotspot).contains("now runs FG_HS920S_V20"), row(hotspot));
        swt.until(() -> row(module).contains("NO_RULE"), Duration.ofSeconds(10), "the module's row says no rule names it");
        assertTrue(part.status().contains("HS920S <- " + pkg), part.status());
        swt.screenshot("station");

        part.stop();
        swt.until(() -> part.status().startsWith("Station mode is off"), Duration.ofSeconds(5), "the view says it stopped");
    }

    private String row(SimulatedDevice device) {
        return Tables.text(part.table()).lines().filter(l -> l.contains(device.imei())).findFirst().orElse("");
    }
}
