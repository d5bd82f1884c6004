package dev.flashgate.plugin.firehose.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.flashgate.testkit.FaultSoak;
import dev.flashgate.testkit.PluginBench;
import dev.flashgate.upgrade.SessionOptions;

/**
 * The fault soak of the contract kit on three simulated MF833S modems: a fault may leave a modem
 * in emergency download with a torn or bad partition, but a recovery session must then always
 * bring it back ({@code releng/soak/soak.sh modem} runs many more sessions).
 */
class ModemSoakTest {

    private static final SessionOptions OPTIONS = SessionOptions.DEFAULTS.withStallTimeout(Duration.ofMillis(1500))
            .withReconnectTimeout(Duration.ofSeconds(8)).withRetries(1);

    @TempDir
    Path dir;

    @Test
    void randomFaultsNeverLeaveAModemUnrecoverableOrASessionUnjournaled() throws Exception {
        try (PluginBench bench = new PluginBench(dir)) {
            new FaultSoak(bench, "MF833S", 3, OPTIONS, true).run(List.of(pkg(bench, "FG_MF833S_S01"), pkg(bench, "FG_MF833S_S02")),
                    ModemSoakTest::fault);
        }
    }

    private static Path pkg(PluginBench bench, String version) throws Exception {
        return bench.modemPackage(version, 384 * 1024);
    }

    /** One fault knob, or none, anywhere in the programmer upload or the programming that follows. */
    private static String fault(SplittableRandom random, long size) {
        long at = 200 + random.nextLong(size);
        return switch (random.nextInt(7)) {
            case 0 -> "drop-after=" + at;
            case 1 -> "stall-after=" + at + " stall-ms=" + (200 + random.nextInt(2500));
            case 2 -> "nak-next";
            case 3 -> "power-loss-after=" + at;
            case 4 -> "corrupt-write";
            default -> "";
        };
    }
}
