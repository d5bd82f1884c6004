package dev.flashgate.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.ProgressListener;
import dev.flashgate.core.pkg.TrustAnchors;
import dev.flashgate.core.pkg.VerificationReport;
import dev.flashgate.core.pkg.Verdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code flashgate verify PKG}: the whole verification, exit status by the first broken rule. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Verify an update package: container, signature and trust, manifest, every artifact's SHA-256.")
final class VerifyCommand implements Callable<Integer> {

    @Mixin
    PackageOptions options;

    private final Services services;

    VerifyCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() throws FlashgateException {
        VerificationReport report = run(services, options.pkg, options.trust.anchors(services.trustStore()), false);
        Terminal t = services.terminal();
        if (options.json) {
            t.out().println(ReportJson.text(ReportJson.report(report, false)));
        } else {
            ReportText.verdict(report.verified() ? t.out() : t.err(), report, anchorsName(report, options.trust));
        }
        return exitStatus(report);
    }

    static VerificationReport run(Services services, Path pkg, TrustAnchors anchors, boolean inspect) throws FlashgateException {
        if (!Files.isRegularFile(pkg) || !Files.isReadable(pkg)) {
            throw new FlashgateException(ErrorCode.USAGE, "cannot read " + pkg + ": not a readable file");
        }
        long size = pkg.toFile().length();
        ProgressListener bar = ProgressBar.forSize(services.terminal(), size, inspect ? "inspecting" : "verifying");
        try {
            return inspect ? services.verifier().inspect(pkg, anchors, bar) : services.verifier().verify(pkg, anchors, bar);
        } finally {
            ProgressBar.finish(bar);
        }
    }

    static int exitStatus(VerificationReport report) {
        return report.verdict() instanceof Verdict.Rejected r ? r.code().exitStatus() : 0;
    }

    private static String anchorsName(VerificationReport report, TrustOptions trust) {
        if (report.signature() == null || report.signature().chain().isEmpty()) {
            return "-";
        }
        var chain = report.signature().chain();
        return "'" + chain.get(chain.size() - 1).subject() + "'" + (trust.trust.isEmpty() ? "" : " (from --trust)");
    }
}
