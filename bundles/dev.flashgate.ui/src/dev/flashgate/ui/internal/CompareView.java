package dev.flashgate.ui.internal;

import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;

import dev.flashgate.core.Printable;
import dev.flashgate.core.pkg.VerificationReport;

/** A window with two packages side by side: manifest fields (differences marked) and artifact changes. */
final class CompareView {

    private final Shell shell;
    private final Table fields;
    private final Table artifacts;

    CompareView(Shell parent, VerificationReport left, VerificationReport right) {
        shell = new Shell(parent, SWT.SHELL_TRIM);
        String a = left.source().getFileName().toString();
        String b = right.source().getFileName().toString();
        shell.setText(Printable.line("Compare " + a + " and " + b));
        shell.setLayout(new FillLayout());
        SashForm sash = new SashForm(shell, SWT.VERTICAL);
        PackageComparison c = PackageComparison.of(left.manifest(), right.manifest());
        fields = Tables.create(sash, new String[] {"", "Field", a, b}, new int[] {30, 170, 300, 300});
        Tables.fill(fields, c.fields().stream().map(f -> new String[] {f.differs() ? "\u2260" : "", f.name(), f.left(), f.right()})
                .toList());
        artifacts = Tables.create(sash, new String[] {"Artifact", "Change", a, b}, new int[] {220, 90, 330, 330});
        Tables.fill(artifacts, c.artifacts().stream().map(x -> new String[] {x.path(), x.change().name(), x.left(), x.right()})
                .toList());
        sash.setWeights(55, 45);
        shell.setSize(1000, 560);
        shell.open();
    }

    // for tests
    Shell shell() {
        return shell;
    }

    Table fields() {
        return fields;
    }

    Table artifacts() {
        return artifacts;
    }
}
