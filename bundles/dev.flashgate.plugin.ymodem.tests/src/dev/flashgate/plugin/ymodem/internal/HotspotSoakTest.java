package dev.flashgate.plugin.ymodem.internal;

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
 * The fault soak of the contract kit on four simulated hotspots: with A/B slots, no fault may
 * leave one unbootable, not even for a moment ({@code releng/soak/soak.sh} runs a thousand
 * sessions).
 */
class HotspotSoakTest {

    private static final SessionOptions OPTIONS = SessionOptions.DEFAULTS.withStallTimeout(Duration.ofMillis(1200))
            .withReconnectTimeout(Duration.ofSeconds(6)).withRetries(1);

    @TempDir
    Path dir;

    @Test
    void randomFaultsNeverLeaveADeviceUnbootableOrASessionUnjournaled() throws Exception {
        try (PluginBench bench = new PluginBench(dir)) {
            new FaultSoak(bench, "HS920S", 4, OPTIONS, false).run(List.of(pkg(bench, "FG_HS920S_S01"), pkg(bench, "FG_HS920S_S02")),
                    HotspotSoakTest::fault);
        }
    }

    private static Path pkg(PluginBench bench, String version) throws Exception {
        Path image = bench.dir().resolve(version + ".bin");
        DemoFirmware.image(image, "HS920S", version, 3, 128 * 1024, version.hashCode());
        return bench.pack(version, Map.of("vendor", "Soak", "version", version, "versionCode", (long) version.hashCode() & 0xFFFF,
                "securityVersion", 3L, "target.plugin", AtYmodemPlugin.ID, "target.models", List.of("HS920S")),
                List.of(new PackRequest.Source(image, "images/hs920s.bin", "image")), true);
    }

    /** One fault knob, or none, at a random point of the transfer. */
    private static String fault(SplittableRandom random, long size) {
        long at = 200 + random.nextLong(size);
        return switch (random.nextInt(8)) {
            case 0 -> "drop-after=" + at;
            case 1 -> "stall-after=" + at + " stall-ms=" + (200 + random.nextInt(2500));
            case 2 -> "nak-next";
            case 3 -> "storage-full";
            case 4 -> "power-loss-after=" + at;
            case 5 -> "power-loss-after=" + (1L << 40);
            case 6 -> "corrupt-write";
            default -> "";
        };
    }
}
