package dev.flashgate.ui.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;

import org.eclipse.e4.ui.di.UISynchronize;
import org.eclipse.swt.SWT;
import org.eclipse.swt.dnd.Clipboard;
import org.eclipse.swt.dnd.TextTransfer;
import org.eclipse.swt.dnd.Transfer;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.Text;

/**
 * The Log view: the {@link LogBook}'s entries, filtered by level, device, session and text;
 * selected lines (or all shown) copied to the clipboard, or exported to a file.
 */
public final class LogPart {

    private static final int SHOWN = 5_000;

    private final LogBook book;
    private final UISynchronize sync;
    private final AtomicBoolean refreshPending = new AtomicBoolean();
    private Combo level;
    private Text device;
    private Text session;
    private Text text;
    private Table table;
    private Label status;
    private List<LogEntry> shown = List.of();

    @Inject
    public LogPart(LogBook book, UISynchronize sync) {
        this.book = book;
        this.sync = sync;
    }

    @PostConstruct
    public void create(Composite parent) {
        parent.setLayout(new GridLayout(1, false));
        Composite bar = new Composite(parent, SWT.NONE);
        bar.setLayout(new GridLayout(10, false));
        bar.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
        level = new Combo(bar, SWT.READ_ONLY);
        for (LogEntry.Level l : LogEntry.Level.values()) {
            level.add(l + " and above");
        }
        level.select(0);
        level.addListener(SWT.Selection, e -> refresh());
        device = filterField(bar, "Device:");
        session = filterField(bar, "Session:");
        text = filterField(bar, "Text:");
        button(bar, "Copy", this::copy);
        button(bar, "Export ...", () -> {
            FileDialog dialog = new FileDialog(parent.getShell(), SWT.SAVE);
            dialog.setOverwrite(true);
            dialog.setFileName("flashgate-log.tsv");
            String file = dialog.open();
            if (file != null) {
                export(Path.of(file));
            }
        });
        button(bar, "Clear", book::clear);
        table = Tables.create(parent, new String[] {"Time", "Level", "Device", "Session", "Message"},
                new int[] {190, 60, 140, 120, 600});
        table.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
        status = new Label(parent, SWT.NONE);
        status.setLayoutData(new GridData(SWT.FILL, SWT.BOTTOM, true, false));
        book.onChange(this::refreshLater);
        refresh();
    }

    private Text filterField(Composite bar, String label) {
        new Label(bar, SWT.NONE).setText(label);
        Text field = new Text(bar, SWT.BORDER | SWT.SEARCH);
        field.setLayoutData(new GridData(110, SWT.DEFAULT));
        field.addListener(SWT.Modify, e -> refresh());
        return field;
    }

    private static void button(Composite bar, String label, Runnable action) {
        Button b = new Button(bar, SWT.PUSH);
        b.setText(label);
        b.addListener(SWT.Selection, e -> action.run());
    }

    LogFilter filter() {
        return new LogFilter(LogEntry.Level.values()[Math.max(0, level.getSelectionIndex())], device.getText(),
                session.getText(), text.getText());
    }

    /** Many entries at once (a busy station) cost one redraw. */
    private void refreshLater() {
        if (refreshPending.compareAndSet(false, true)) {
            sync.asyncExec(this::refresh);
        }
    }

    void refresh() {
        refreshPending.set(false);
        if (table == null || table.isDisposed()) {
            return;
        }
        List<LogEntry> matching = book.entries(filter());
        shown = matching.subList(Math.max(0, matching.size() - SHOWN), matching.size());
        Tables.fill(table, shown.stream().map(e -> new String[] {e.time().toString(), e.level().name(), e.device(),
            e.session().length() > 8 ? e.session().substring(0, 8) : e.session(), e.message()}).toList());
        if (!shown.isEmpty()) {
            table.showItem(table.getItem(shown.size() - 1));
        }
        status.setText(matching.size() + " entries shown" + (matching.size() > SHOWN ? " (the latest " + SHOWN + " listed)" : ""));
    }

    /** The selected lines, or all shown when none is selected, as exported. */
    String selectedText() {
        int[] selected = table.getSelectionIndices();
        List<LogEntry> lines = selected.length == 0 ? shown
                : java.util.Arrays.stream(selected).mapToObj(shown::get).toList();
        return lines.stream().map(LogEntry::line).collect(Collectors.joining("\n", "", "\n"));
    }

    private void copy() {
        Clipboard clipboard = new Clipboard(table.getDisplay());
        try {
            clipboard.setContents(new Object[] {selectedText()}, new Transfer[] {TextTransfer.getInstance()});
        } finally {
            clipboard.dispose();
        }
    }

    /** Writes every entry the filter lets through; the file appears whole or not at all. */
    void export(Path file) {
        List<String> lines = book.entries(filter()).stream().map(LogEntry::line).toList();
        Path dir = file.toAbsolutePath().getParent();
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, "." + file.getFileName(), ".part");
            Files.write(temp, lines, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            status.setText("Exported " + lines.size() + " entries to " + file);
        } catch (IOException e) {
            status.setText("Export failed: " + e.getMessage());
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the failure is reported above; a stray part file is all that may be left
                }
            }
        }
    }

    // for tests
    Table table() {
        return table;
    }

    Combo level() {
        return level;
    }

    Text device() {
        return device;
    }

    String status() {
        return status.getText();
    }
}
