package dev.flashgate.simulator;

import java.nio.file.Path;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

import dev.flashgate.core.FlashgateException;

/**
 * The embedded default's material in a station's {@code <home>/demo}: a clearly labelled demo CA and demo
 * signing key, signed sample packages for the simulated devices (one modem, one hotspot, and a
 * corrupted copy of the hotspot's) and a station policy for them. Nothing of it ever enters the
 * station's trust store.
 */
@ProviderType
public interface DemoSamples {

    String CA_SUBJECT = "CN=Flashgate DEMO CA - NOT FOR PRODUCTION, O=Flashgate demo";
    String VENDOR_SUBJECT = "CN=Flashgate DEMO firmware signing - NOT FOR PRODUCTION, O=Flashgate demo";

    /** Where the samples are. */
    record Samples(Path folder, Path ca, Path modemPackage, Path hotspotPackage, Path tamperedPackage) {
        public List<Path> all() {
            return List.of(modemPackage, hotspotPackage, tamperedPackage);
        }

        /**
         * A station policy naming the modem and hotspot packages and trusting the demo CA, for
         * station mode ({@code flashgate station --policy}, or the workbench's Station view).
         */
        public Path stationPolicy() {
            return folder.resolve("station-policy.json");
        }

        /** The demo signing key and certificate, for signing more demo packages. */
        public Path signerKey() {
            return folder.resolve("demo-signer.key.pem");
        }

        public Path signerCertificate() {
            return folder.resolve("demo-signer.pem");
        }
    }

    /**
     * Creates the samples in {@code folder} (a station's {@code <home>/demo}) unless they exist, are
     * current and their signer is still valid; returns where they are.
     */
    Samples ensure(Path folder) throws FlashgateException;
}
