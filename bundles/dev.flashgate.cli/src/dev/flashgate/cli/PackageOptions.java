package dev.flashgate.cli;

import java.nio.file.Path;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What verify and inspect both take: the package, the trust anchors to use, the output form. */
final class PackageOptions {
    @Parameters(paramLabel = "PKG", description = "The .fgp package.")
    Path pkg;

    @Mixin
    TrustOptions trust;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;
}
