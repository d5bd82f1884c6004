package dev.flashgate.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.BuildImporter;
import dev.flashgate.core.pkg.Manifest;
import dev.flashgate.core.pkg.PackRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code flashgate pack}: builds a package from a manifest template and/or flags plus files. */
@Command(name = "pack", mixinStandardHelpOptions = true,
        description = {"Build an update package: computes every file's size and SHA-256 and writes the ZIP.",
            "Artifacts come from --artifact, from template artifacts with a \"file\" field (relative to the template),",
            "and from a vendor's flat build (--flat-build).",
            "With --key and --cert the package is signed right away."})
final class PackCommand implements Callable<Integer> {

    @Option(names = "--manifest", paramLabel = "TEMPLATE.json", description = "Manifest template (JSON); flags override its fields.")
    Path template;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "PKG", description = "The package to write.")
    Path out;

    @Option(names = "--vendor") String vendor;
    @Option(names = "--title") String title;
    @Option(names = "--firmware-version", paramLabel = "VERSION", description = "The manifest's version string.") String version;
    @Option(names = "--version-code", paramLabel = "N") Long versionCode;
    @Option(names = "--security-version", paramLabel = "N") Long securityVersion;
    @Option(names = "--expires", paramLabel = "RFC3339", description = "e.g. 2027-10-01T00:00:00Z") String expires;
    @Option(names = "--plugin", description = "target.plugin, e.g. qualcomm-firehose or at-ymodem.") String plugin;
    @Option(names = "--chipset") String chipset;
    @Option(names = "--model", paramLabel = "MODEL", description = "Target model (repeatable).") List<String> models;
    @Option(names = "--hardware-revision", paramLabel = "REV", description = "Hardware revision (repeatable).") List<String> hardware;
    @Option(names = "--notes") String notes;

    @Option(names = "--artifact", paramLabel = "ENTRY=FILE[:TYPE]",
            description = "Add FILE as entry ENTRY, optionally with an artifact type (repeatable).")
    List<String> artifacts = new ArrayList<>();

    @Option(names = "--flat-build", paramLabel = "DIR",
            description = "Pack a QFIL-style flat build: every file its contents.xml and layout name, typed by their role.")
    Path flatBuild;

    @Option(names = "--deflate", description = "Compress artifacts (default: stored, fastest to verify).")
    boolean deflate;

    @Mixin
    SigningOptions signing;

    private final Services services;

    PackCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() throws FlashgateException {
        Map<String, Object> fields = new LinkedHashMap<>();
        put(fields, "vendor", vendor);
        put(fields, "title", title);
        put(fields, "version", version);
        put(fields, "versionCode", versionCode);
        put(fields, "securityVersion", securityVersion);
        put(fields, "expires", expires);
        put(fields, "target.plugin", plugin);
        put(fields, "target.chipset", chipset);
        put(fields, "target.models", models);
        put(fields, "target.hardwareRevisions", hardware);
        put(fields, "notes", notes);
        List<PackRequest.Source> files = new ArrayList<>();
        for (String spec : artifacts) {
            files.add(source(spec));
        }
        if (flatBuild != null) {
            BuildImporter importer = services.importers().get().stream().filter(i -> i.format().equals(FLAT_BUILD)).findFirst()
                    .orElseThrow(() -> new FlashgateException(ErrorCode.NO_PLUGIN, "no installed plugin reads " + FLAT_BUILD + "s"));
            BuildImporter.Imported build = importer.read(flatBuild);
            build.fields().forEach(fields::putIfAbsent); // the flags say otherwise where they are given
            files.addAll(build.sources());
            build.notes().forEach(n -> EscapingWriter.line(services.terminal().err(), "flat build: %s", n));
        }
        var credentials = signing.given() ? signing.read(services.keys()) : null;
        Manifest manifest = services.builder().pack(new PackRequest(template, fields, files, out, deflate));
        if (credentials != null) {
            services.signer().sign(out, credentials);
        }
        services.terminal().out().printf("%s %s: %s %s, %d artifact(s), %s%n", credentials != null ? "packed and signed" : "packed (unsigned)",
                out, manifest.vendor(), manifest.version(), manifest.artifacts().size(), ReportText.bytes(manifest.totalArtifactBytes()));
        return 0;
    }

    private static final String FLAT_BUILD = "qualcomm-flat-build";

    private static void put(Map<String, Object> fields, String key, Object value) {
        if (value != null) {
            fields.put(key, value);
        }
    }

    static PackRequest.Source source(String spec) throws FlashgateException {
        int eq = spec.indexOf('=');
        if (eq <= 0 || eq == spec.length() - 1) {
            throw new FlashgateException(ErrorCode.USAGE, "--artifact wants ENTRY=FILE[:TYPE], got '" + spec + "'");
        }
        String entry = spec.substring(0, eq);
        String file = spec.substring(eq + 1);
        String type = null;
        int colon = file.lastIndexOf(':');
        if (colon > 0 && file.indexOf('/', colon) < 0) {
            type = file.substring(colon + 1);
            file = file.substring(0, colon);
        }
        return new PackRequest.Source(Paths.get(file), entry, type);
    }
}
