package dev.flashgate.plugin.ymodem.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import dev.flashgate.core.pkg.PackRequest;
import dev.flashgate.simulator.DemoFirmware;
import dev.flashgate.testkit.UpgradePluginContract;

/** The AT + YMODEM plugin against the simulated HS920S hotspot. */
class AtYmodemContractTest extends UpgradePluginContract {

    @Override
    protected String model() {
        return "HS920S";
    }

    @Override
    protected String pluginId() {
        return AtYmodemPlugin.ID;
    }

    @Override
    protected List<PackRequest.Source> firmware(Path dir, String firmwareModel, String version, int securityVersion)
            throws IOException {
        Path image = dir.resolve("hs920s.bin");
        DemoFirmware.image(image, firmwareModel, version, securityVersion, 192 * 1024, version.hashCode());
        return List.of(new PackRequest.Source(image, "images/hs920s.bin", "image"));
    }
}
