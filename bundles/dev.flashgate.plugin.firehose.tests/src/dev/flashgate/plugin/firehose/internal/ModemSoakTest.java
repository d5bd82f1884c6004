package dev.flashgate.plugin.firehose.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.flashgate.core.pkg.PackRequest;
import dev.flashgate.simulator.DemoFirmware;
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
        Path files = Files.createDirectories(bench.dir().resolve(version));
        Path programmer = files.resolve("prog_nand_firehose_9x07.mbn");
        DemoFirmware.programmer(programmer);
        Path image = files.resolve("modem.ubi");
        DemoFirmware.image(image, "MF833S", version, 3, 384 * 1024, version.hashCode());
        Path layout = files.resolve("rawprogram_nand.xml");
        DemoFirmware.layout(layout, "images/modem.ubi", Files.size(image));
        return bench.pack(version, Map.of("vendor", "Soak", "version", version, "versionCode", (long) version.hashCode() & 0xFFFF,
                "securityVersion", 3L, "target.plugin", FirehosePlugin.ID, "target.chipset", "MDM9x07",
                "target.models", List.of("MF833S")),
                List.of(new PackRequest.Source(programmer, "firehose/prog_nand_firehose_9x07.mbn", "programmer"),
                        new PackRequest.Source(layout, "firehose/rawprogram_nand.xml", "layout"),
                        new PackRequest.Source(image, "images/modem.ubi", "image")), true);
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
