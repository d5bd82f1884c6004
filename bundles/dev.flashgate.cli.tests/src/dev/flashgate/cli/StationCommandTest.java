package dev.flashgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.FrameworkUtil;

import dev.flashgate.simulator.DemoSamples;
import dev.flashgate.simulator.SimulatedDevice;

/** {@code flashgate station}: a plugged-in device the policy names is updated without being asked for. */
class StationCommandTest {

    @TempDir
    Path home;

    /** The embedded default's own policy: both families are updated, each with its sample package. */
    @Test
    void theStationUpdatesWhatThePolicyNames() throws Exception {
        CliHarness cli = new CliHarness(home);
        DemoSamples.Samples samples = CliHarness.service(FrameworkUtil.getBundle(StationCommandTest.class).getBundleContext(),
                DemoSamples.class).ensure(home.resolve("demo"));
        String serial = "STATION" + System.nanoTime() % 100000;
        try (SimulatedDevice hotspot = cli.simulators().start("HS920S", serial + "H");
                SimulatedDevice modem = cli.simulators().start("MF833S", serial + "M")) {
            CliHarness.Result run = cli.run("station", "--policy", samples.stationPolicy(), "--until-idle", "2", "--json");
            assertEquals(0, run.status(), run.all());
            assertTrue(run.out().lines().anyMatch(l -> l.contains(hotspot.imei()) && l.contains("SUCCEEDED")), run.out());
            assertTrue(run.out().lines().anyMatch(l -> l.contains(modem.imei()) && l.contains("SUCCEEDED")), run.out());
            assertEquals("FG_HS920S_A02", hotspot.revision());
            assertEquals("FG_MF833S_B07", modem.revision());
        }
        CliHarness.Result bad = cli.run("station", "--policy", Files.writeString(home.resolve("bad.json"), "{\"rules\": []}"));
        assertEquals(2, bad.status(), bad.all());
    }
}
