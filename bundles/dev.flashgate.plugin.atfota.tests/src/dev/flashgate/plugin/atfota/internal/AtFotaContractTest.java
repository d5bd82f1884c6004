package dev.flashgate.plugin.atfota.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import dev.flashgate.core.pkg.PackRequest;
import dev.flashgate.simulator.DemoFirmware;
import dev.flashgate.testkit.UpgradePluginContract;

/** The example AT + FOTA plugin against the simulated ME360S LTE module: the contract every plugin passes. */
class AtFotaContractTest extends UpgradePluginContract {

    @Override
    protected String model() {
        return "ME360S";
    }

    @Override
    protected String pluginId() {
        return AtFotaPlugin.ID;
    }

    @Override
    protected List<PackRequest.Source> firmware(Path dir, String firmwareModel, String version, int securityVersion)
            throws IOException {
        Path image = dir.resolve("me360s.bin");
        DemoFirmware.image(image, firmwareModel, version, securityVersion, 160 * 1024, version.hashCode());
        return List.of(new PackRequest.Source(image, "images/me360s.bin", "image"));
    }
}
