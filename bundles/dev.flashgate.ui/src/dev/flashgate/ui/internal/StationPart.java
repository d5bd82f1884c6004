package dev.flashgate.ui.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

import org.eclipse.e4.core.di.annotations.Optional;
import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.e4.ui.di.UIEventTopic;
import org.eclipse.e4.ui.di.UISynchronize;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Table;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.event.Event;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.FlashgateHome;
import dev.flashgate.core.Topics;
import dev.flashgate.station.BoardEntry;
import dev.flashgate.station.StationMode;
import dev.flashgate.station.StationPolicy;
import dev.flashgate.station.StationRun;

/**
 * The Station view: station mode's board, one row per port. Load a policy and start: every device
 * plugged in that the policy names is updated without a click, up to its number at once; each row
 * shows the device's stage, package, progress and outcome as it changes. Starting reads the policy
 * and updates repositories, so it runs in the background.
 */
public final class StationPart {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final StationMode station;
    private final UISynchronize sync;
    private final ExecutorService background = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("flashgate-station-view").factory());
    private volatile StationRun run;
    private volatile String running = "";
    private Table table;
    private Button start;
    private StatusLine status;

    @Inject
    public StationPart(@Service StationMode station, UISynchronize sync) {
        this.station = station;
        this.sync = sync;
    }

    @PostConstruct
    public void create(Composite parent) {
        parent.setLayout(new GridLayout(1, false));
        Composite bar = new Composite(parent, SWT.NONE);
        bar.setLayout(new GridLayout(2, false));
        bar.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
        start = new Button(bar, SWT.PUSH);
        start.setText("Start with policy ...");
        start.setToolTipText("A station policy (JSON): which package each device model gets");
        start.addListener(SWT.Selection, e -> {
            if (run != null) {
                stop();
            } else {
                choosePolicy(parent);
            }
        });
        status = new StatusLine(bar, sync, "Station mode is off: devices are only updated from the Status view.");
        table = Tables.create(parent, new String[] {"Port", "Model", "IMEI", "Revision", "Stage", "Package", "Progress", "Outcome",
            "Since"}, new int[] {170, 80, 140, 140, 90, 170, 70, 320, 70});
        table.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
    }

    private void choosePolicy(Composite parent) {
        FileDialog dialog = new FileDialog(parent.getShell(), SWT.OPEN);
        dialog.setFilterExtensions(new String[] {"*.json", "*"});
        Path demo = FlashgateHome.resolve(FrameworkUtil.getBundle(StationPart.class).getBundleContext()
                .getProperty(FlashgateHome.PROPERTY)).resolve("demo");
        if (Files.isRegularFile(demo.resolve("station-policy.json"))) { // the embedded default's policy, one click away
            dialog.setFilterPath(demo.toString());
            dialog.setFileName("station-policy.json");
        }
        String chosen = dialog.open();
        if (chosen != null) {
            start(Path.of(chosen));
        }
    }

    /** Reads the policy and starts station mode in the background; the status line says how it went. */
    void start(Path policyFile) {
        say("Starting with " + policyFile.getFileName() + " ...");
        background.execute(() -> {
            try {
                StationPolicy policy = station.readPolicy(policyFile);
                run = station.start(policy);
                running = policyFile.getFileName() + ": " + policy.rules().stream().map(r -> r.model() + " <- " + r.source())
                        .collect(Collectors.joining(", ")) + "; " + policy.parallel() + " at once";
                say(running + ".");
                sync.asyncExec(() -> {
                    if (!start.isDisposed()) {
                        start.setText("Stop");
                        start.getParent().layout();
                    }
                    refresh();
                });
            } catch (FlashgateException e) {
                say(e.code().name() + ": " + e.code().symptom() + " " + e.detail());
            }
        });
    }

    /** Stops starting sessions; running ones finish and stay on the board until the next start. */
    void stop() {
        StationRun current = run;
        run = null;
        if (current != null) {
            current.close();
        }
        if (!start.isDisposed()) {
            start.setText("Start with policy ...");
            start.getParent().layout();
        }
        say("Station mode is off: running sessions finish; nothing new is started.");
    }

    @Inject
    @Optional
    public void stationEvent(@UIEventTopic(Topics.STATION_ALL) Event event) {
        refresh();
    }

    private void refresh() {
        StationRun current = run;
        if (table == null || table.isDisposed() || current == null) {
            return;
        }
        List<BoardEntry> board = current.board();
        Tables.fill(table, board.stream().map(StationPart::row).toList());
        Map<BoardEntry.Stage, Long> counts = new EnumMap<>(BoardEntry.Stage.class);
        board.forEach(e -> counts.merge(e.stage(), 1L, Long::sum));
        say(running + (counts.isEmpty() ? "; no device yet." : " - " + counts.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey().name().toLowerCase().replace('_', ' ')).collect(Collectors.joining(", ")) + "."));
    }

    private static String[] row(BoardEntry e) {
        String outcome = (e.code() == null ? "" : e.code().name() + ": ") + (e.detail() == null ? "" : e.detail());
        return new String[] {e.port(), e.model(), e.imei(), e.revision(), e.stage().name() + (e.present() ? "" : " (unplugged)"),
            e.packageName(),
            e.stage() == BoardEntry.Stage.UPDATING ? Math.round(e.fraction() * 100) + " %" : "", outcome,
            LocalTime.ofInstant(e.since(), ZoneId.systemDefault()).format(TIME)};
    }

    private void say(String text) {
        status.say(text);
    }

    @PreDestroy
    public void dispose() {
        StationRun current = run;
        if (current != null) {
            current.close();
        }
        background.shutdownNow();
    }

    // for tests
    Table table() {
        return table;
    }

    String status() {
        return status.text();
    }

    StationRun run() {
        return run;
    }
}
