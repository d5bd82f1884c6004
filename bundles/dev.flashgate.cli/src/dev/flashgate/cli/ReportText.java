package dev.flashgate.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.flashgate.core.Printable;
import dev.flashgate.core.pkg.ArtifactResult;
import dev.flashgate.core.pkg.CertificateInfo;
import dev.flashgate.core.pkg.EntryInfo;
import dev.flashgate.core.pkg.Manifest;
import dev.flashgate.core.pkg.SignatureInfo;
import dev.flashgate.core.pkg.VerificationReport;
import dev.flashgate.core.pkg.Verdict;

/** Human-readable verification reports: a short one for verify, the full metadata for inspect. */
final class ReportText {

    private ReportText() {
    }

    static void verdict(PrintWriter w, VerificationReport r, String anchorsOrigin) {
        switch (r.verdict()) {
            case Verdict.Verified v -> {
                Manifest m = r.manifest();
                w.printf("VERIFIED  %s%n", line(r.source().toString()));
                w.printf("  %s %s (versionCode %d, securityVersion %d) from %s%n",
                        m.title() == null ? "" : line(m.title()) + " -", line(m.version()), m.versionCode(), m.securityVersion(),
                        line(m.vendor()));
                w.printf("  for %s%s, plugin %s%n", line(String.join(", ", m.target().models())),
                        m.target().chipset() == null ? "" : " (" + line(m.target().chipset()) + ")", line(m.target().plugin()));
                w.printf("  signed by %s, trusted through %s%n", line(r.signature().signer().subject()), line(anchorsOrigin));
                w.printf("  %d artifacts, %s, every SHA-256 matched in %.2f s%n", r.artifacts().size(),
                        bytes(m.totalArtifactBytes()), r.elapsed().toNanos() / 1e9);
                warnings(w, m);
            }
            case Verdict.Rejected rejected -> {
                w.printf("REJECTED  %s%n", line(r.source().toString()));
                ErrorText.print(w, rejected.code(), rejected.detail());
            }
        }
    }

    static void warnings(PrintWriter w, Manifest m) {
        if (m.expires() != null && m.expires().isBefore(Instant.now())) {
            w.printf("  note: the package expired on %s; it will be refused for flashing (PACKAGE_EXPIRED)%n", m.expires());
        }
    }

    static void inspect(PrintWriter w, VerificationReport r) {
        w.printf("Package    %s%n", line(r.source().toString()));
        w.printf("  size     %s, %d entries%n", r.packageSize() < 0 ? "unreadable" : bytes(r.packageSize()), r.entries().size());
        for (EntryInfo e : r.entries()) {
            w.printf("    %-44s %12d %s%n", line(e.name()), e.size(), e.directory() ? "dir" : e.compressed() ? "deflated" : "stored");
        }
        w.println();
        signature(w, r.signature());
        w.println();
        manifest(w, r);
        w.println();
        w.print("Verdict    ");
        verdict(w, r, r.signature() == null || r.signature().chain().isEmpty() ? "-"
                : r.signature().chain().get(r.signature().chain().size() - 1).subject());
    }

    private static void signature(PrintWriter w, SignatureInfo s) {
        if (s == null) {
            w.println("Signature  none readable");
            return;
        }
        w.printf("Signature  %s with %s digest%s%n", s.signatureAlgorithm(), s.digestAlgorithm(),
                s.signingTime() == null ? "" : ", signed " + s.signingTime());
        certificate(w, "signer", s.signer());
        if (s.chain().isEmpty()) {
            w.println("  chain    NOT TRUSTED: no chain to a trust anchor was established");
        } else {
            for (int i = 1; i < s.chain().size(); i++) {
                certificate(w, i == s.chain().size() - 1 ? "anchor" : "issuer", s.chain().get(i));
            }
        }
        w.printf("  carries  %d certificate(s)%n", s.carried().size());
    }

    private static void certificate(PrintWriter w, String role, CertificateInfo c) {
        w.printf("  %-8s %s%n", role, line(c.subject()));
        w.printf("           issuer %s%n", line(c.issuer()));
        w.printf("           valid  %s .. %s, %s key%s%n", c.notBefore(), c.notAfter(), c.keyAlgorithm(), c.ca() ? ", CA" : "");
        if (!c.keyUsage().isEmpty() || !c.extendedKeyUsage().isEmpty()) {
            w.printf("           usage  %s%n", String.join(", ", concat(c.keyUsage(), c.extendedKeyUsage())));
        }
        w.printf("           SHA-256 %s%n", c.sha256Fingerprint());
    }

    private static void manifest(PrintWriter w, VerificationReport r) {
        Manifest m = r.manifest();
        if (m == null) {
            w.println("Manifest   not shown: it could not be read, or verification stopped before it");
            return;
        }
        w.printf("Manifest   %s%n", r.manifestTrusted() ? "(authenticated by the signature)"
                : "(NOT AUTHENTICATED: shown for diagnosis only, do not rely on it)");
        field(w, "format", m.format());
        field(w, "vendor", m.vendor());
        field(w, "title", m.title());
        field(w, "version", m.version() + " (versionCode " + m.versionCode() + ", securityVersion " + m.securityVersion() + ")");
        field(w, "created", m.created());
        field(w, "expires", m.expires());
        field(w, "plugin", m.target().plugin());
        field(w, "chipset", m.target().chipset());
        field(w, "models", String.join(", ", m.target().models()));
        field(w, "hardware", m.target().hardwareRevisions().isEmpty() ? null : String.join(", ", m.target().hardwareRevisions()));
        field(w, "notes", m.notes());
        for (Map.Entry<String, Object> e : m.extra().entrySet()) {
            field(w, e.getKey() + "*", e.getValue());
        }
        for (Map.Entry<String, Object> e : m.target().extra().entrySet()) {
            field(w, "target." + e.getKey() + "*", e.getValue());
        }
        if (!m.extra().isEmpty() || !m.target().extra().isEmpty()) {
            w.println("  (* unknown to this Flashgate: shown, never acted on)");
        }
        w.println("  artifacts");
        for (ArtifactResult a : r.artifacts().isEmpty()
                ? m.artifacts().stream().map(ArtifactResult::notChecked).toList() : r.artifacts()) {
            w.printf("    %-14s %-40s %12d  %-10s %s%n", a.status(), line(a.artifact().path()), a.artifact().size(),
                    a.artifact().type() == null ? "-" : line(a.artifact().type()), line(a.artifact().sha256()));
            if (a.actualSha256() != null && a.status() != ArtifactResult.Status.MATCH) {
                w.printf("    %-14s %-40s %12d  %-10s %s (actual)%n", "", "", a.actualSize(), "", a.actualSha256());
            }
        }
    }

    /**
     * One manifest field; a value of several lines (notes) continues under a gutter, so that no
     * line of it can pass for a line of the report.
     */
    private static void field(PrintWriter w, String name, Object value) {
        if (value == null) {
            return;
        }
        List<String> lines = Printable.lines(value.toString());
        w.printf("  %-9s%s%n", line(name), lines.isEmpty() ? "" : lines.get(0));
        for (String more : lines.subList(Math.min(1, lines.size()), lines.size())) {
            w.printf("  %-9s| %s%n", "", more);
        }
    }

    private static String line(String text) {
        return Printable.line(text);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1 << 20) {
            return String.format("%.1f KiB", n / 1024.0);
        }
        if (n < 1L << 30) {
            return String.format("%.1f MiB", n / 1048576.0);
        }
        return String.format("%.2f GiB", n / 1073741824.0);
    }
}
