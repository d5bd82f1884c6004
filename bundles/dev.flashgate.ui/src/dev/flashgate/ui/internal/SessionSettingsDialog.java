package dev.flashgate.ui.internal;

import java.time.Duration;

import org.eclipse.jface.dialogs.Dialog;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Spinner;

import dev.flashgate.upgrade.SessionOptions;

/** Edits the session options: stall timeout, reconnect timeout, retries after a dropped link. */
final class SessionSettingsDialog extends Dialog {

    private SessionOptions options;
    private Spinner stall;
    private Spinner reconnect;
    private Spinner retries;

    SessionSettingsDialog(Shell parent, SessionOptions options) {
        super(parent);
        this.options = options;
    }

    @Override
    protected void configureShell(Shell shell) {
        super.configureShell(shell);
        shell.setText("Session options");
    }

    @Override
    protected Control createDialogArea(Composite parent) {
        Composite area = (Composite) super.createDialogArea(parent);
        area.setLayout(new GridLayout(2, false));
        stall = spinner(area, "Stall timeout (s): no data moving this long ends the session", 1, 600,
                (int) options.stallTimeout().toSeconds());
        reconnect = spinner(area, "Reconnect timeout (s): waiting for a device that dropped off or rebooted", 1, 1800,
                (int) options.reconnectTimeout().toSeconds());
        retries = spinner(area, "Retries after a dropped link", 0, 10, options.retries());
        return area;
    }

    private static Spinner spinner(Composite parent, String label, int min, int max, int value) {
        new Label(parent, SWT.NONE).setText(label);
        Spinner s = new Spinner(parent, SWT.BORDER);
        s.setValues(value, min, max, 0, 1, 10);
        return s;
    }

    @Override
    protected void okPressed() {
        options = options.withStallTimeout(Duration.ofSeconds(stall.getSelection()))
                .withReconnectTimeout(Duration.ofSeconds(reconnect.getSelection())).withRetries(retries.getSelection());
        super.okPressed();
    }

    SessionOptions options() {
        return options;
    }
}
