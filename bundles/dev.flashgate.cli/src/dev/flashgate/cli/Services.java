package dev.flashgate.cli;

import java.nio.file.Path;

import dev.flashgate.core.pkg.PackageBuilder;
import dev.flashgate.core.pkg.PackageSigner;
import dev.flashgate.core.pkg.PackageVerifier;
import dev.flashgate.core.pkg.SigningKeys;
import dev.flashgate.core.pkg.TrustStore;

/** The services and settings commands work with; handed to each command by the command factory. */
public record Services(
        PackageVerifier verifier,
        TrustStore trustStore,
        PackageBuilder builder,
        PackageSigner signer,
        SigningKeys keys,
        Path home,
        Terminal terminal) {
}
