package dev.flashgate.plugin.firehose.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.flashgate.core.pkg.PackRequest;
import dev.flashgate.simulator.DemoFirmware;
import dev.flashgate.testkit.UpgradePluginContract;

/**
 * The MDM9x07 plugin against the simulated MF833S modem. The modem has fixed NAND partitions
 * (no storage to fill) and applies firmware only at its power reset, so those two knobs do not
 * apply; a failure mid-program leaves it in emergency download, from which the kit recovers it.
 */
class FirehoseContractTest extends UpgradePluginContract {

    @Override
    protected String model() {
        return "MF833S";
    }

    @Override
    protected String pluginId() {
        return FirehosePlugin.ID;
    }

    @Override
    protected Set<String> faultKnobs() {
        return Set.of("drop-after", "stall-after", "nak-next", "power-loss-after", "corrupt-write");
    }

    @Override
    protected Map<String, Object> targetFields() {
        return Map.of("target.chipset", "MDM9x07");
    }

    @Override
    protected List<PackRequest.Source> firmware(Path dir, String firmwareModel, String version, int securityVersion)
            throws IOException {
        Path programmer = dir.resolve("prog_nand_firehose_9x07.mbn");
        DemoFirmware.programmer(programmer);
        Path image = dir.resolve("modem.ubi");
        DemoFirmware.image(image, firmwareModel, version, securityVersion, 192 * 1024, version.hashCode());
        Path layout = dir.resolve("rawprogram_nand.xml");
        DemoFirmware.layout(layout, "images/modem.ubi", Files.size(image));
        return List.of(new PackRequest.Source(programmer, "firehose/prog_nand_firehose_9x07.mbn", "programmer"),
                new PackRequest.Source(layout, "firehose/rawprogram_nand.xml", "layout"),
                new PackRequest.Source(image, "images/modem.ubi", "image"));
    }
}
