package dev.flashgate.ui.internal;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

import org.eclipse.e4.core.di.annotations.Optional;
import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.e4.ui.di.UIEventTopic;
import org.eclipse.e4.ui.di.UISynchronize;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.Text;
import org.osgi.service.event.Event;

import dev.flashgate.core.Printable;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.Topics;
import dev.flashgate.core.session.SessionJournal;
import dev.flashgate.core.session.SessionRecord;
import dev.flashgate.core.session.SessionState;
import dev.flashgate.core.session.Transition;
import dev.flashgate.upgrade.RestoreRequest;
import dev.flashgate.upgrade.SessionOptions;
import dev.flashgate.upgrade.UpdateSession;
import dev.flashgate.upgrade.UpdateSessions;

/**
 * The History view: sessions from the journal (this station's and any other that shares it),
 * newest first, for one device or all; a session's transitions below it. The journal is read on
 * a background thread. A session that kept copies of its device before writing (a modem's IMEI
 * and calibration) can have them written back from here, as {@code flashgate restore} does.
 */
public final class HistoryPart {

    static final int LIMIT = 500;

    private final UISynchronize sync;
    private final ExecutorService reader = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("flashgate-history").factory());
    private SessionJournal journal;
    private UpdateSessions updates;
    private Button restore;
    /** What the selected session kept of its device (names), once the journal said. */
    private List<String> keptBySelected = List.of();
    /** Asks the technician before anything is written back (a dialog; tests answer it themselves). */
    private Predicate<String> confirm;
    private Text device;
    private Table sessions;
    private Table transitions;
    private Label status;
    private List<SessionRecord> listed = List.of();

    @Inject
    public HistoryPart(UISynchronize sync) {
        this.sync = sync;
    }

    @Inject
    public void setJournal(@Optional @Service SessionJournal journal) {
        this.journal = journal;
        reload();
    }

    @Inject
    public void setSessions(@Optional @Service UpdateSessions updates) {
        this.updates = updates;
    }

    @PostConstruct
    public void create(Composite parent) {
        confirm = question -> MessageDialog.openConfirm(parent.getShell(), "Write back what the session kept", question);
        parent.setLayout(new GridLayout(1, false));
        Composite bar = new Composite(parent, SWT.NONE);
        bar.setLayout(new GridLayout(5, false));
        bar.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
        new Label(bar, SWT.NONE).setText("Device IMEI:");
        device = new Text(bar, SWT.BORDER | SWT.SEARCH);
        device.setMessage("all devices");
        device.setLayoutData(new GridData(170, SWT.DEFAULT));
        device.addListener(SWT.DefaultSelection, e -> reload());
        Button refresh = new Button(bar, SWT.PUSH);
        refresh.setText("Show");
        refresh.addListener(SWT.Selection, e -> reload());
        restore = new Button(bar, SWT.PUSH);
        restore.setText("Write Back What It Kept...");
        restore.setToolTipText("Write back onto the device the copies this session kept before its first write "
                + "(a modem's efs2 and fsg: IMEI and RF calibration)");
        restore.setEnabled(false);
        restore.addListener(SWT.Selection, e -> restoreSelected());
        status = new Label(bar, SWT.NONE);
        status.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
        SashForm sash = new SashForm(parent, SWT.VERTICAL);
        sash.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
        sessions = Tables.create(sash, new String[] {"Started", "Device", "Model", "Package", "Outcome", "Stopped in", "Condition"},
                new int[] {190, 140, 80, 140, 220, 120, 400});
        sessions.addListener(SWT.Selection, e -> showTransitions());
        transitions = Tables.create(sash, new String[] {"#", "At", "State", "Code", "Detail"}, new int[] {40, 190, 130, 160, 500});
        sash.setWeights(65, 35);
        reload();
    }

    /** A session ended somewhere on this station: the journal has a new outcome. */
    @Inject
    @Optional
    public void sessionEvent(@UIEventTopic(Topics.SESSION_ALL) Event event) {
        Object state = event.getProperty(Topics.KEY_STATE);
        if (state != null && SessionState.valueOf(state.toString()).isFinal()) {
            reload();
        }
    }

    void reload() {
        if (sessions == null || sessions.isDisposed() || journal == null) {
            return;
        }
        SessionJournal j = journal;
        String imei = device.getText().isBlank() ? null : device.getText().trim();
        reader.submit(() -> {
            try {
                List<SessionRecord> found = j.sessions(imei, LIMIT);
                sync.asyncExec(() -> show(found, null));
            } catch (FlashgateException e) {
                sync.asyncExec(() -> show(List.of(), e.code() + ": " + e.detail()));
            }
        });
    }

    private void show(List<SessionRecord> found, String problem) {
        if (sessions.isDisposed()) {
            return;
        }
        listed = found;
        Tables.fill(sessions, found.stream().map(r -> new String[] {r.started().toString(), r.imei() != null ? r.imei() : r.deviceId(),
            r.model(), r.version(), r.state() + (r.code() == null ? "" : " " + r.code()),
            r.lastActive() == null ? "" : r.lastActive().name(),
            r.condition() == null ? "" : r.condition().kind() + ", " + r.condition().detail()}).toList());
        status.setText(problem != null ? "The journal cannot be read: " + problem
                : found.size() + " session" + (found.size() == 1 ? "" : "s") + (found.size() == LIMIT ? " (the latest)" : ""));
        Tables.fill(transitions, List.of());
    }

    private void showTransitions() {
        int i = sessions.getSelectionIndex();
        restore.setEnabled(false);
        keptBySelected = List.of();
        if (i < 0 || i >= listed.size() || journal == null) {
            return;
        }
        SessionJournal j = journal;
        SessionRecord selected = listed.get(i);
        String id = selected.id();
        reader.submit(() -> {
            try {
                List<Transition> steps = j.transitions(id);
                List<String> kept = selected.imei() == null ? List.of() : j.backups(selected.imei()).stream()
                        .filter(b -> b.sessionId().equals(id)).map(SessionJournal.Backup::name).sorted().toList();
                sync.asyncExec(() -> {
                    if (!transitions.isDisposed()) {
                        Tables.fill(transitions, steps.stream().map(t -> new String[] {Integer.toString(t.seq()), t.at().toString(),
                            t.state().name(), t.code() == null ? "" : t.code().name(), t.detail()}).toList());
                        keptBySelected = kept;
                        restore.setEnabled(!kept.isEmpty() && updates != null);
                    }
                });
            } catch (FlashgateException e) {
                sync.asyncExec(() -> status.setText("The journal cannot be read: " + e.code() + ": " + Printable.line(e.detail())));
            }
        });
    }

    /** After the technician agreed: a restore session of the selected session's copies, followed in the Status view. */
    private void restoreSelected() {
        int i = sessions.getSelectionIndex();
        if (i < 0 || i >= listed.size() || updates == null) {
            return;
        }
        SessionRecord selected = listed.get(i);
        if (!confirm.test(Printable.line("Write back onto the device with IMEI " + selected.imei() + " what session " + selected.id()
                + " kept of it (" + String.join(", ", keptBySelected) + ")? What it holds there now is kept first."))) {
            return;
        }
        UpdateSessions u = updates;
        restore.setEnabled(false);
        reader.submit(() -> {
            try {
                UpdateSession started = u.restore(new RestoreRequest(null, selected.imei(), selected.id(), SessionOptions.DEFAULTS));
                sync.asyncExec(() -> status.setText("Writing back in session " + started.id() + ": follow it in the Status view"));
            } catch (FlashgateException e) {
                sync.asyncExec(() -> status.setText("Cannot write back: " + e.code() + ": " + Printable.line(e.detail())));
            }
        });
    }

    @PreDestroy
    public void dispose() {
        reader.shutdownNow();
    }

    // for tests
    Table sessions() {
        return sessions;
    }

    Table transitions() {
        return transitions;
    }

    void select(int index) {
        sessions.setSelection(index);
        showTransitions();
    }

    Text device() {
        return device;
    }

    Button restoreButton() {
        return restore;
    }

    String status() {
        return status.getText();
    }

    void confirmWith(Predicate<String> answer) {
        confirm = answer;
    }
}
