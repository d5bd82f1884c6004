package dev.flashgate.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.TrustAnchors;
import dev.flashgate.core.pkg.TrustStore;
import picocli.CommandLine.Option;

/** {@code --trust FILE|DIR}: anchors for one command instead of the station's trust store. */
final class TrustOptions {
    @Option(names = "--trust", paramLabel = "FILE|DIR",
            description = "PEM trust anchor file or folder of them, replacing the station's trust store for this command (repeatable).")
    List<Path> trust = new ArrayList<>();

    TrustAnchors anchors(TrustStore store) throws FlashgateException {
        return trust.isEmpty() ? store.anchors() : store.load(trust);
    }
}
