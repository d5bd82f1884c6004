package dev.flashgate.cli;

import java.util.concurrent.Callable;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.VerificationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code flashgate inspect PKG}: everything in a package, with the verdict. Works on untrusted
 * and broken packages too; what is not authenticated is labelled so.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a package's manifest, artifacts, signer and chain, and the verification verdict.")
final class InspectCommand implements Callable<Integer> {

    @Mixin
    PackageOptions options;

    private final Services services;

    InspectCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() throws FlashgateException {
        VerificationReport report = VerifyCommand.run(services, options.pkg, options.trust.anchors(services.trustStore()), true);
        if (options.json) {
            services.terminal().out().println(ReportJson.text(ReportJson.report(report, true)));
        } else {
            ReportText.inspect(services.terminal().out(), report);
        }
        return VerifyCommand.exitStatus(report);
    }
}
