package dev.flashgate.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.VerificationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code flashgate inspect PKG}: everything in a package, with the verdict. Works on untrusted
 * and broken packages too; what is not authenticated is labelled so.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a package's manifest, artifacts, signer and chain, and the verification verdict.")
final class InspectCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PKG", description = "The .fgp package.")
    Path pkg;

    @Mixin
    TrustOptions trust;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    private final Services services;

    InspectCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() throws FlashgateException {
        VerificationReport report = VerifyCommand.run(services, pkg, trust.anchors(services.trustStore()), true);
        if (json) {
            services.terminal().out().println(ReportJson.text(ReportJson.report(report, true)));
        } else {
            ReportText.inspect(services.terminal().out(), report);
        }
        return VerifyCommand.exitStatus(report);
    }
}
