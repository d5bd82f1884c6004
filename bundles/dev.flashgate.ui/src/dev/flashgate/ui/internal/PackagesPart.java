package dev.flashgate.ui.internal;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.e4.ui.di.UISynchronize;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.dnd.DND;
import org.eclipse.swt.dnd.DropTarget;
import org.eclipse.swt.dnd.DropTargetAdapter;
import org.eclipse.swt.dnd.DropTargetEvent;
import org.eclipse.swt.dnd.FileTransfer;
import org.eclipse.swt.dnd.Transfer;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.PackageVerifier;
import dev.flashgate.core.pkg.TrustAnchors;
import dev.flashgate.core.pkg.TrustStore;
import dev.flashgate.core.pkg.Verdict;
import dev.flashgate.core.pkg.VerificationReport;

/**
 * The Packages view: packages opened from a file dialog, dropped on the view, named at start
 * ({@code flashgate.workbench.open}) or handed over by the embedded default, each verified on a
 * background thread with progress; the selected one is shown in the {@link ReportView metadata
 * inspector}, two selected ones can be compared side by side.
 */
public final class PackagesPart {

    /** An opened package: its report once verification is done, its progress until then. */
    private static final class Opened {
        final Path path;
        volatile VerificationReport report;
        volatile long done;
        volatile long total = 1;

        Opened(Path path) {
            this.path = path;
        }
    }

    private final PackageVerifier verifier;
    private final TrustStore trustStore;
    private final UISynchronize sync;
    private final VerifiedPackages verified;
    private final PackageInbox inbox;
    private final ExecutorService background = Executors.newFixedThreadPool(2,
            Thread.ofPlatform().daemon().name("flashgate-verify-", 1).factory());
    private final List<Opened> opened = new ArrayList<>();
    private final AtomicBoolean refreshPending = new AtomicBoolean();
    private CompletableFuture<TrustAnchors> anchors;
    private Table list;
    private ReportView report;
    private Label trust;
    private Label hint;

    @Inject
    public PackagesPart(@Service PackageVerifier verifier, @Service TrustStore trustStore, UISynchronize sync,
            VerifiedPackages verified, PackageInbox inbox) {
        this.verifier = verifier;
        this.inbox = inbox;
        this.verified = verified;
        this.trustStore = trustStore;
        this.sync = sync;
    }

    @PostConstruct
    public void create(Composite parent) {
        parent.setLayout(new GridLayout(1, false));
        Composite bar = new Composite(parent, SWT.NONE);
        bar.setLayout(new GridLayout(4, false));
        bar.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
        Button open = new Button(bar, SWT.PUSH);
        open.setText("Open package ...");
        open.addListener(SWT.Selection, e -> chooseFiles(parent));
        Button compare = new Button(bar, SWT.PUSH);
        compare.setText("Compare");
        compare.setToolTipText("Select two packages in the list to compare them side by side");
        compare.addListener(SWT.Selection, e -> compareSelected());
        trust = new Label(bar, SWT.WRAP);
        trust.setText("Reading the trust anchors ...");
        trust.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
        hint = new Label(bar, SWT.NONE);
        SashForm sash = new SashForm(parent, SWT.HORIZONTAL);
        sash.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
        list = Tables.create(sash, new String[] {"Package", "Verdict", "Version"}, new int[] {190, 150, 110});
        list.addListener(SWT.Selection, e -> showSelected());
        report = new ReportView(sash);
        sash.setWeights(36, 64);
        DropTarget drop = new DropTarget(parent, DND.DROP_COPY | DND.DROP_DEFAULT);
        drop.setTransfer(new Transfer[] {FileTransfer.getInstance()});
        drop.addDropListener(new DropTargetAdapter() {
            @Override
            public void dragEnter(DropTargetEvent event) {
                event.detail = DND.DROP_COPY;
            }

            @Override
            public void drop(DropTargetEvent event) {
                dropped(event.data);
            }
        });
        loadTrust();
        String initial = System.getProperty("flashgate.workbench.open", "");
        if (!initial.isBlank()) {
            open(Arrays.stream(initial.split(File.pathSeparator)).map(Path::of).toList());
        }
        inbox.attach((runAnchors, packages) -> {
            if (runAnchors != null) {
                trustForThisRun(runAnchors);
            }
            open(packages);
        });
    }

    /**
     * Reads, on the background thread, the station's anchors or those named for this run
     * ({@code flashgate.workbench.trust}, PEM files); verifications queued after it use them.
     */
    private void loadTrust() {
        CompletableFuture<TrustAnchors> reading = CompletableFuture.supplyAsync(() -> {
            try {
                String named = System.getProperty("flashgate.workbench.trust", "");
                if (named.isBlank()) {
                    return trustStore.anchors();
                }
                TrustAnchors read = trustStore.load(Arrays.stream(named.split(File.pathSeparator)).map(Path::of).toList());
                return new TrustAnchors(read.certificates(), read.origin() + ", trusted for this run only");
            } catch (FlashgateException e) {
                return new TrustAnchors(List.of(), "no anchors: they are unreadable (" + e.getMessage() + ")");
            }
        }, background);
        anchors = reading;
        reading.thenAccept(a -> sync.asyncExec(() -> {
            if (anchors == reading) { // not replaced by anchors for this run meanwhile
                showTrust(a);
            }
        }));
    }

    /** From now on, verifies against {@code runAnchors} (the embedded default's demo CA). */
    private void trustForThisRun(TrustAnchors runAnchors) {
        anchors = CompletableFuture.completedFuture(runAnchors);
        showTrust(runAnchors);
    }

    private void showTrust(TrustAnchors a) {
        if (trust.isDisposed()) {
            return;
        }
        trust.setText(a.isEmpty() ? "No trust anchors: every package will be refused (flashgate trust add). " + a.origin()
                : "Trusting " + a.origin());
        trust.getParent().layout();
    }

    private void chooseFiles(Composite parent) {
        FileDialog dialog = new FileDialog(parent.getShell(), SWT.OPEN | SWT.MULTI);
        dialog.setText("Open update packages");
        dialog.setFilterExtensions(new String[] {"*.fgp", "*"});
        dialog.setFilterNames(new String[] {"Flashgate packages (*.fgp)", "All files"});
        if (dialog.open() != null) {
            open(Arrays.stream(dialog.getFileNames()).map(n -> Path.of(dialog.getFilterPath(), n)).toList());
        }
    }

    /** What a drop on the view brings: file names ({@link FileTransfer}) are opened; anything else is ignored. */
    void dropped(Object data) {
        if (data instanceof String[] files) {
            open(Arrays.stream(files).map(Path::of).toList());
        }
    }

    /** Opens packages: each is verified in the background and selected when it is the last one opened. */
    public void open(List<Path> files) {
        if (files.isEmpty()) {
            return;
        }
        for (Path file : files) {
            Opened o = new Opened(file.toAbsolutePath());
            opened.add(o);
            background.submit(() -> {
                TrustAnchors trusted = anchors.join(); // read on this executor before any verification
                VerificationReport r = verifier.inspect(o.path, trusted, (done, total) -> {
                    o.done = done;
                    o.total = total;
                    refreshLater();
                });
                o.report = r;
                if (r.verified()) {
                    sync.asyncExec(() -> verified.add(r, trusted));
                }
                refreshLater();
            });
        }
        refresh();
        list.setSelection(opened.size() - 1);
        showSelected();
    }

    /** From any thread: one refresh on the UI thread, however many are asked for meanwhile. */
    private void refreshLater() {
        if (refreshPending.compareAndSet(false, true)) {
            sync.asyncExec(this::refresh);
        }
    }

    private void refresh() {
        refreshPending.set(false);
        if (list.isDisposed()) {
            return;
        }
        int[] selected = list.getSelectionIndices();
        Tables.fill(list, opened.stream().map(o -> new String[] {o.path.getFileName().toString(),
            verdict(o), o.report == null || o.report.manifest() == null ? "" : o.report.manifest().version()}).toList());
        list.setSelection(selected);
        showSelected();
    }

    private static String verdict(Opened o) {
        if (o.report == null) {
            return "verifying " + (o.total <= 0 ? 0 : o.done * 100 / o.total) + " %";
        }
        return o.report.verdict() instanceof Verdict.Rejected r ? "REJECTED " + r.code() : "VERIFIED";
    }

    private void showSelected() {
        int i = list.getSelectionIndex();
        if (i < 0 || i >= opened.size()) {
            report.show(null, 0, 0);
            return;
        }
        Opened o = opened.get(i);
        report.show(o.report, o.done, Math.max(o.total, 1));
    }

    /** Opens the two selected packages side by side; both must have a readable manifest. */
    CompareView compareSelected() {
        int[] selected = list.getSelectionIndices();
        if (selected.length != 2 || opened.get(selected[0]).report == null || opened.get(selected[1]).report == null
                || opened.get(selected[0]).report.manifest() == null || opened.get(selected[1]).report.manifest() == null) {
            hint.setText("To compare, select two packages whose manifests could be read (Ctrl+click).");
            return null;
        }
        hint.setText("");
        return new CompareView(list.getShell(), opened.get(selected[0]).report, opened.get(selected[1]).report);
    }

    @PreDestroy
    public void dispose() {
        background.shutdownNow();
    }

    // for tests
    Table list() {
        return list;
    }

    ReportView report() {
        return report;
    }

    /** Selects the package at {@code index} as a click on its row would. */
    void select(int index) {
        list.setSelection(index);
        showSelected();
    }

    boolean allVerified() {
        return opened.stream().allMatch(o -> o.report != null);
    }
}
