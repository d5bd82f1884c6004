package dev.flashgate.ui.internal;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.jface.resource.JFaceResources;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.CTabFolder;
import org.eclipse.swt.custom.CTabItem;
import org.eclipse.swt.custom.StyledText;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.ProgressBar;
import org.eclipse.swt.widgets.Table;


import dev.flashgate.core.Printable;
import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.pkg.ArtifactResult;
import dev.flashgate.core.pkg.CertificateInfo;
import dev.flashgate.core.pkg.Manifest;
import dev.flashgate.core.pkg.SignatureInfo;
import dev.flashgate.core.pkg.Verdict;
import dev.flashgate.core.pkg.VerificationReport;

/**
 * The metadata inspector: one package's verdict (with the error's symptom, cause and resolution
 * when it was rejected), its manifest, its artifacts with a verdict each, and its signer and chain.
 */
final class ReportView {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final Composite root;
    private final Label verdict;
    private final ProgressBar progress;
    private final StyledText explanation;
    private final Table manifest;
    private final Table artifacts;
    private final Table signature;

    ReportView(Composite parent) {
        root = new Composite(parent, SWT.NONE);
        root.setLayout(new GridLayout(1, false));
        verdict = new Label(root, SWT.WRAP);
        verdict.setFont(JFaceResources.getBannerFont());
        verdict.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
        progress = new ProgressBar(root, SWT.SMOOTH);
        progress.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
        explanation = new StyledText(root, SWT.READ_ONLY | SWT.WRAP | SWT.MULTI); // selectable, and it measures wrapped lines exactly
        explanation.setBackground(root.getBackground());
        GridData e = new GridData(SWT.FILL, SWT.TOP, true, false);
        e.heightHint = 0;
        explanation.setLayoutData(e);
        root.addListener(SWT.Resize, event -> fitExplanation());
        CTabFolder tabs = new CTabFolder(root, SWT.BORDER);
        tabs.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
        manifest = tab(tabs, "Manifest", new String[] {"Field", "Value"}, new int[] {160, 420});
        artifacts = tab(tabs, "Artifacts", new String[] {"Path", "Type", "Size", "SHA-256", "Verdict"},
                new int[] {240, 90, 90, 300, 120});
        signature = tab(tabs, "Signer and chain", new String[] {"Role", "Subject", "Issuer", "Valid until", "SHA-256 fingerprint"},
                new int[] {110, 260, 260, 130, 300});
        tabs.setSelection(1);
        show(null, 0, 0);
    }

    private static Table tab(CTabFolder tabs, String title, String[] columns, int[] widths) {
        CTabItem item = new CTabItem(tabs, SWT.NONE);
        item.setText(title);
        Table table = Tables.create(tabs, columns, widths);
        item.setControl(table);
        return table;
    }

    Composite control() {
        return root;
    }

    /** Shows {@code report}, or while it is {@code null}, the progress of its verification. */
    void show(VerificationReport report, long done, long total) {
        progress.setVisible(report == null && total > 0);
        progress.setMaximum(1000);
        progress.setSelection(total <= 0 ? 0 : (int) (done * 1000 / total));
        if (report == null) {
            verdict.setText(total > 0 ? "Verifying ..." : "Open a package (.fgp) to inspect it");
            verdict.setForeground(null);
            explain("");
            Tables.fill(manifest, List.of());
            Tables.fill(artifacts, List.of());
            Tables.fill(signature, List.of());
            return;
        }
        if (report.verdict() instanceof Verdict.Rejected rejected) {
            ErrorCode c = rejected.code();
            verdict.setText("REJECTED: " + c.name() + ". " + c.symptom());
            verdict.setForeground(root.getDisplay().getSystemColor(SWT.COLOR_DARK_RED));
            explain("What happened: " + Printable.line(rejected.detail()) + "\nCause: " + c.cause() + "\nWhat to do: " + c.resolution());
        } else {
            verdict.setText("VERIFIED: signed by a trusted vendor, every artifact matches its manifest.");
            verdict.setForeground(root.getDisplay().getSystemColor(SWT.COLOR_DARK_GREEN));
            explain("");
        }
        Tables.fill(manifest, manifestRows(report));
        Tables.fill(artifacts, report.artifacts().stream().map(a -> new String[] {a.artifact().path(), a.artifact().type(),
            Long.toString(a.artifact().size()), a.artifact().sha256(), verdict(a)}).toList());
        Tables.fill(signature, signatureRows(report.signature()));
        root.layout(true, true);
    }

    private void explain(String text) {
        explanation.setText(text);
        explanation.setVisible(!text.isEmpty());
        fitExplanation();
    }

    /** A wrapped text is as tall as its lines at the view's current width, never clipped. */
    private void fitExplanation() {
        int width = root.getClientArea().width - 2 * ((GridLayout) root.getLayout()).marginWidth
                - explanation.computeTrim(0, 0, 0, 0).width;
        int height = explanation.getText().isEmpty() || width <= 0 ? 0 : explanation.computeSize(width, SWT.DEFAULT).y;
        GridData data = (GridData) explanation.getLayoutData();
        if (data.heightHint != height) {
            data.heightHint = height;
            root.layout(true);
        }
    }

    private static String verdict(ArtifactResult a) {
        return switch (a.status()) {
            case MATCH -> "matches";
            case HASH_MISMATCH -> "HASH MISMATCH";
            case SIZE_MISMATCH -> "SIZE MISMATCH (" + a.actualSize() + ")";
            case MISSING -> "MISSING";
            case NOT_CHECKED -> "not checked";
        };
    }

    private static List<String[]> manifestRows(VerificationReport r) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"file", r.source() + " (" + r.packageSize() + " bytes)"});
        Manifest m = r.manifest();
        if (m == null) {
            rows.add(new String[] {"manifest", "not read: verification stopped before it"});
            return rows;
        }
        if (!r.manifestTrusted()) {
            rows.add(new String[] {"manifest", "NOT AUTHENTICATED: shown for inspection only, do not rely on it"});
        }
        rows.add(new String[] {"vendor", m.vendor()});
        rows.add(new String[] {"title", m.title()});
        rows.add(new String[] {"version", m.version()});
        rows.add(new String[] {"versionCode", Long.toString(m.versionCode())});
        rows.add(new String[] {"securityVersion", Long.toString(m.securityVersion())});
        rows.add(new String[] {"target.plugin", m.target().plugin()});
        rows.add(new String[] {"target.chipset", m.target().chipset()});
        rows.add(new String[] {"target.models", String.join(", ", m.target().models())});
        rows.add(new String[] {"target.hardwareRevisions", String.join(", ", m.target().hardwareRevisions())});
        rows.add(new String[] {"created", m.created() == null ? null : TIME.format(m.created())});
        rows.add(new String[] {"expires", m.expires() == null ? null : TIME.format(m.expires())});
        rows.add(new String[] {"format", m.format()});
        rows.add(new String[] {"notes", m.notes()});
        for (Map.Entry<String, Object> e : m.extra().entrySet()) {
            rows.add(new String[] {e.getKey(), String.valueOf(e.getValue())});
        }
        if (!r.manifestTrusted()) { // every value stays labelled, wherever it is scrolled or copied to
            rows.stream().skip(2).forEach(row -> row[0] = row[0] + " (not authenticated)");
        }
        return rows;
    }

    private static List<String[]> signatureRows(SignatureInfo s) {
        List<String[]> rows = new ArrayList<>();
        if (s == null) {
            return rows;
        }
        if (s.signer() != null) {
            rows.add(row("signer", s.signer()));
        }
        for (CertificateInfo c : s.chain()) {
            if (s.signer() == null || !c.sha256Fingerprint().equals(s.signer().sha256Fingerprint())) {
                rows.add(row(c.ca() ? "chain (CA)" : "chain", c));
            }
        }
        if (s.chain().isEmpty()) {
            s.carried().stream().filter(c -> s.signer() == null || !c.sha256Fingerprint().equals(s.signer().sha256Fingerprint()))
                    .forEach(c -> rows.add(row("carried", c)));
        }
        rows.add(new String[] {"algorithms", s.digestAlgorithm() + " / " + s.signatureAlgorithm(), "",
            s.signingTime() == null ? "" : "signed " + TIME.format(s.signingTime()), ""});
        return rows;
    }

    private static String[] row(String role, CertificateInfo c) {
        return new String[] {role, c.subject(), c.issuer(), TIME.format(c.notAfter()), c.sha256Fingerprint()};
    }

    // for tests: what the inspector shows
    String verdictText() {
        return verdict.getText();
    }

    String explanationText() {
        return explanation.getText();
    }

    Table artifacts() {
        return artifacts;
    }

    Table manifest() {
        return manifest;
    }

    Table signature() {
        return signature;
    }
}
