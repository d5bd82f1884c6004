package dev.flashgate.ui.internal;

import org.eclipse.e4.ui.di.UISynchronize;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;

import dev.flashgate.core.Printable;

/** A view's one-line (wrapping) status next to its buttons; {@link #say} may be called from any thread. */
final class StatusLine {
    private final Label label;
    private final UISynchronize sync;

    StatusLine(Composite bar, UISynchronize sync, String initial) {
        this.label = new Label(bar, SWT.WRAP);
        this.sync = sync;
        label.setText(Printable.line(initial));
        label.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
    }

    void say(String text) {
        sync.asyncExec(() -> {
            if (!label.isDisposed()) {
                label.setText(Printable.line(text));
                label.getParent().layout();
            }
        });
    }

    String text() {
        return label.getText();
    }
}
