package dev.flashgate.ui.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;

import org.eclipse.e4.core.di.annotations.Optional;
import org.eclipse.core.runtime.preferences.IEclipsePreferences;
import org.eclipse.e4.core.di.extensions.Preference;
import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.jface.window.Window;
import org.eclipse.e4.ui.di.UIEventTopic;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableItem;
import org.osgi.service.prefs.BackingStoreException;

import dev.flashgate.core.Printable;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.Topics;
import dev.flashgate.core.device.Device;
import dev.flashgate.core.device.DeviceDiscovery;
import dev.flashgate.core.pkg.Manifest;
import dev.flashgate.core.pkg.VerificationReport;
import dev.flashgate.core.session.SessionRecord;
import dev.flashgate.core.session.SessionState;
import dev.flashgate.upgrade.PluginInfo;
import dev.flashgate.upgrade.SessionOptions;
import dev.flashgate.upgrade.SessionRequest;
import dev.flashgate.upgrade.SessionStatus;
import dev.flashgate.upgrade.UpdateSession;
import dev.flashgate.upgrade.UpdateSessions;

/**
 * The Status view: start updates (a verified package, the devices to put it on, each with what
 * preflight will think of it shown before the start), and every session of this station with its
 * stage, a progress bar, rate, ETA and outcome; cancel a running one, retry a finished one.
 */
public final class StatusPart {

    private static final String[] SESSION_COLUMNS = {"Device", "Package", "Stage", "Progress", "Rate", "ETA", "Outcome"};
    private static final int PROGRESS = 3;

    private final VerifiedPackages packages;
    private UpdateSessions sessions;
    private DeviceDiscovery discovery;
    private IEclipsePreferences preferences;
    private Combo packageChoice;
    private Table devices;
    private Table table;
    private Label message;
    private List<VerificationReport> offered = List.of();
    private List<Device> shown = List.of();
    private List<UpdateSession> listed = List.of();

    @Inject
    public StatusPart(VerifiedPackages packages) {
        this.packages = packages;
    }

    @Inject
    public void setSessions(@Optional @Service UpdateSessions sessions) {
        this.sessions = sessions;
        refresh();
    }

    @Inject
    public void setDiscovery(@Optional @Service DeviceDiscovery discovery) {
        this.discovery = discovery;
        refreshDevices();
    }

    /** Where the session options live (Eclipse preferences, instance scope). */
    @Inject
    public void setPreferences(@Optional @Preference(nodePath = SessionSettings.NODE) IEclipsePreferences preferences) {
        this.preferences = preferences;
    }

    @PostConstruct
    public void create(Composite parent) {
        parent.setLayout(new GridLayout(1, false));
        SashForm sash = new SashForm(parent, SWT.VERTICAL);
        sash.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));

        Composite start = new Composite(sash, SWT.NONE);
        start.setLayout(new GridLayout(3, false));
        new Label(start, SWT.NONE).setText("Package:");
        packageChoice = new Combo(start, SWT.READ_ONLY);
        packageChoice.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
        packageChoice.addListener(SWT.Selection, e -> refreshDevices());
        Button go = new Button(start, SWT.PUSH);
        go.setText("Start update");
        go.addListener(SWT.Selection, e -> startChecked());
        devices = Tables.create(start, new String[] {"Device", "IMEI", "Revision", "Before the start"}, new int[] {160, 140, 150, 380},
                SWT.CHECK);
        devices.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true, 3, 1));

        Composite running = new Composite(sash, SWT.NONE);
        running.setLayout(new GridLayout(4, false));
        table = Tables.create(running, SESSION_COLUMNS, new int[] {190, 140, 130, 120, 90, 70, 330});
        table.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true, 4, 1));
        table.addListener(SWT.PaintItem, this::paintProgress);
        Button cancel = new Button(running, SWT.PUSH);
        cancel.setText("Cancel");
        cancel.addListener(SWT.Selection, e -> selectedSession().ifPresent(UpdateSession::cancel));
        Button retry = new Button(running, SWT.PUSH);
        retry.setText("Retry");
        retry.addListener(SWT.Selection, e -> selectedSession().ifPresent(this::retry));
        Button settings = new Button(running, SWT.PUSH);
        settings.setText("Session options ...");
        settings.addListener(SWT.Selection, e -> editSettings());
        message = new Label(running, SWT.WRAP);
        message.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
        sash.setWeights(50, 50);

        packages.onChange(this::refreshPackages);
        refreshPackages();
        tick();
    }

    /** Twice a second while the view lives: rates and ETAs move between events. */
    private void tick() {
        if (table.isDisposed()) {
            return;
        }
        refresh();
        table.getDisplay().timerExec(500, this::tick);
    }

    @Inject
    @Optional
    public void sessionEvent(@UIEventTopic(Topics.SESSION_ALL) org.osgi.service.event.Event event) {
        refresh();
    }

    @Inject
    @Optional
    public void deviceEvent(@UIEventTopic(Topics.DEVICE_ALL) org.osgi.service.event.Event event) {
        refreshDevices();
    }

    private void refreshPackages() {
        if (packageChoice == null || packageChoice.isDisposed()) {
            return;
        }
        int selected = packageChoice.getSelectionIndex();
        offered = packages.list();
        packageChoice.setItems(offered.stream().map(r -> r.manifest().version() + "  (" + r.source().getFileName() + ")")
                .toArray(String[]::new));
        packageChoice.select(selected >= 0 ? selected : offered.size() - 1);
        refreshDevices();
    }

    private void refreshDevices() {
        if (devices == null || devices.isDisposed()) {
            return;
        }
        List<String> checked = checkedDevices().stream().map(Device::id).toList();
        VerificationReport pkg = chosenPackage();
        shown = discovery == null ? List.of()
                : discovery.devices().stream().filter(d -> d.presence() == Device.Presence.PRESENT).toList();
        Tables.fill(devices, shown.stream().map(d -> new String[] {DevicesPart.name(d),
            d.identity() == null ? "" : d.identity().imei(), d.identity() == null ? d.mode().name() : d.identity().revision(),
            pkg == null ? "choose a verified package"
                    : compatibility(pkg.manifest(), d, sessions == null ? List.of() : sessions.pluginsFor(d))}).toList());
        for (int i = 0; i < shown.size(); i++) {
            devices.getItem(i).setChecked(checked.contains(shown.get(i).id()));
        }
    }

    /** What preflight will say, as far as the station knows before asking the device. */
    static String compatibility(Manifest m, Device d, List<PluginInfo> pluginsForDevice) {
        if (pluginsForDevice.stream().noneMatch(p -> p.id().equals(m.target().plugin()))) {
            return "no installed plugin '" + m.target().plugin() + "' handles this device";
        }
        String model = d.identity() == null ? null : d.identity().model();
        if (model == null) {
            return "in " + d.mode() + ": its model is read at preflight";
        }
        if (!m.target().models().isEmpty() && m.target().models().stream().noneMatch(model::equalsIgnoreCase)) {
            return "not for " + model + ": the package is for " + String.join(", ", m.target().models());
        }
        String revision = d.identity().revision();
        if (m.version().equals(revision)) {
            return "already runs " + revision;
        }
        return "compatible: " + (revision == null ? "unknown revision" : revision) + " -> " + m.version();
    }

    private VerificationReport chosenPackage() {
        int i = packageChoice == null ? -1 : packageChoice.getSelectionIndex();
        return i >= 0 && i < offered.size() ? offered.get(i) : null;
    }

    private List<Device> checkedDevices() {
        List<Device> checked = new ArrayList<>();
        TableItem[] items = devices.getItems();
        for (int i = 0; i < items.length && i < shown.size(); i++) {
            if (items[i].getChecked()) {
                checked.add(shown.get(i));
            }
        }
        return checked;
    }

    /** Starts a session for each checked device with the chosen package; sessions run on their own threads. */
    void startChecked() {
        VerificationReport pkg = chosenPackage();
        List<Device> targets = checkedDevices();
        if (pkg == null || targets.isEmpty() || sessions == null) {
            message.setText("Choose a verified package and check the devices to update.");
            return;
        }
        List<String> refused = new ArrayList<>();
        for (Device d : targets) {
            try {
                sessions.start(new SessionRequest(pkg.source(), d.id(), packages.anchors(), false, options()));
            } catch (FlashgateException e) {
                refused.add(DevicesPart.name(d) + ": " + e.code() + " " + e.detail());
            }
        }
        message.setText(refused.isEmpty() ? "Started " + targets.size() + " session" + (targets.size() == 1 ? "" : "s") + "."
                : Printable.line(String.join("; ", refused)));
        refresh();
    }

    /** The options new sessions get: the preferences', or the defaults. */
    SessionOptions options() {
        return SessionSettings.read(preferences);
    }

    private void editSettings() {
        if (preferences == null) {
            message.setText("No preference store: sessions use the default options.");
            return;
        }
        SessionSettingsDialog dialog = new SessionSettingsDialog(table.getShell(), options());
        if (dialog.open() == Window.OK) {
            try {
                SessionSettings.write(preferences, dialog.options());
                message.setText("Session options saved; they apply to sessions started from now on.");
            } catch (BackingStoreException e) {
                message.setText("The session options could not be saved: " + e.getMessage());
            }
        }
    }

    private void retry(UpdateSession session) {
        SessionRecord r = session.status().record();
        if (!r.state().isFinal()) {
            message.setText("The session is still running.");
            return;
        }
        try {
            sessions.start(new SessionRequest(java.nio.file.Path.of(r.packagePath()), r.deviceId(), packages.anchors(), false,
                    options()));
            message.setText("Started again.");
        } catch (FlashgateException e) {
            message.setText(e.code() + ": " + Printable.line(e.detail()));
        }
        refresh();
    }

    private java.util.Optional<UpdateSession> selectedSession() {
        int i = table.getSelectionIndex();
        return i >= 0 && i < listed.size() ? java.util.Optional.of(listed.get(i)) : java.util.Optional.empty();
    }

    void refresh() {
        if (table == null || table.isDisposed() || sessions == null) {
            return;
        }
        String selected = selectedSession().map(UpdateSession::id).orElse(null);
        listed = sessions.sessions();
        List<SessionStatus> statuses = listed.stream().map(UpdateSession::status).toList();
        Tables.fill(table, statuses.stream().map(StatusPart::row).toList());
        for (int i = 0; i < listed.size(); i++) {
            table.getItem(i).setData(fraction(statuses.get(i)));
            if (listed.get(i).id().equals(selected)) {
                table.select(i);
            }
        }
    }

    private static String[] row(SessionStatus s) {
        SessionRecord r = s.record();
        String device = (r.model() == null ? "" : r.model() + " ") + (r.imei() != null ? r.imei() : r.deviceId());
        double fraction = fraction(s);
        String outcome = !r.state().isFinal() ? ""
                : r.state() + (r.code() == null ? "" : " " + r.code())
                        + (r.condition() == null ? "" : ": " + r.condition().kind() + ", " + r.condition().detail());
        return new String[] {device, r.version() == null ? "" : r.version(), r.state().name(),
            String.format(Locale.ROOT, "%d %%", Math.round(fraction * 100)),
            s.bytesPerSecond() <= 0 || r.state().isFinal() ? "" : String.format(Locale.ROOT, "%.1f MiB/s", s.bytesPerSecond() / (1 << 20)),
            s.eta() == null || r.state().isFinal() ? "" : seconds(s.eta()), outcome};
    }

    /** How far the update got: the transfer's share until it is done, then all of it. */
    static double fraction(SessionStatus s) {
        SessionState state = s.record().state();
        boolean transferred = state == SessionState.SUCCEEDED
                || !state.isFinal() && state.ordinal() > SessionState.TRANSFERRING.ordinal();
        return transferred ? 1.0 : s.fraction();
    }

    private static String seconds(Duration d) {
        return d.toSeconds() + " s";
    }

    /** A bar behind the progress column's text. */
    private void paintProgress(Event e) {
        if (e.index != PROGRESS || !(e.item.getData() instanceof Double fraction)) {
            return;
        }
        GC gc = e.gc;
        int width = table.getColumn(PROGRESS).getWidth() - 4;
        int alpha = gc.getAlpha();
        gc.setAlpha(90);
        gc.setBackground(table.getDisplay().getSystemColor(fraction >= 1.0 ? SWT.COLOR_DARK_GREEN : SWT.COLOR_LIST_SELECTION));
        gc.fillRectangle(e.x + 2, e.y + 2, (int) (width * fraction), e.height - 4);
        gc.setAlpha(alpha);
    }

    // for tests
    Table devices() {
        return devices;
    }

    Table sessionsTable() {
        return table;
    }

    String message() {
        return message.getText();
    }
}
