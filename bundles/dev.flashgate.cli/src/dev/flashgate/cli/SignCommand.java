package dev.flashgate.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.SigningCredentials;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code flashgate sign PKG --key K --cert C}: adds the detached CMS signature over the manifest. */
@Command(name = "sign", mixinStandardHelpOptions = true,
        description = "Sign a package: add manifest.json.p7s (detached CMS, DER) made with the vendor key.")
final class SignCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PKG", description = "The package to sign in place (atomically).")
    Path pkg;

    @Mixin
    SigningOptions signing;

    private final Services services;

    SignCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() throws FlashgateException {
        SigningCredentials credentials = signing.read(services.keys());
        services.signer().sign(pkg, credentials);
        services.terminal().out().printf("signed %s as %s%n", pkg, credentials.certificate().getSubjectX500Principal().getName());
        return 0;
    }
}
