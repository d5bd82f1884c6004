package dev.flashgate.ui.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.DirectoryDialog;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Table;
import org.osgi.service.event.Event;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.Topics;
import dev.flashgate.upgrade.DeviceSeries;
import dev.flashgate.upgrade.InstalledPlugin;
import dev.flashgate.upgrade.PluginInfo;
import dev.flashgate.upgrade.PluginInstaller;
import dev.flashgate.upgrade.UpgradePlugin;

/**
 * The Plugins view: plugin bundles of the station (built in, installed, refused at start), one row
 * per device series each handles; install a signed plugin jar or a feature of a p2 repository while
 * the station runs, remove an installed one. Installing checks the signature, so it runs in the
 * background; the table follows plugins coming and going.
 */
public final class PluginsPart {

    private final PluginInstaller installer;
    private final UISynchronize sync;
    private final ExecutorService background = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("flashgate-plugins").factory());
    private List<InstalledPlugin> rowsOf = List.of();
    private Table table;
    private Button remove;
    private StatusLine status;

    @Inject
    public PluginsPart(@Service PluginInstaller installer, UISynchronize sync) {
        this.installer = installer;
        this.sync = sync;
    }

    @PostConstruct
    public void create(Composite parent) {
        parent.setLayout(new GridLayout(1, false));
        Composite bar = new Composite(parent, SWT.NONE);
        bar.setLayout(new GridLayout(4, false));
        bar.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
        Button file = new Button(bar, SWT.PUSH);
        file.setText("Install plugin ...");
        file.setToolTipText("A signed plugin jar, or a zipped p2 repository of plugin features");
        file.addListener(SWT.Selection, e -> chooseFile(parent));
        Button folder = new Button(bar, SWT.PUSH);
        folder.setText("Install from repository ...");
        folder.setToolTipText("A p2 repository folder holding plugin features");
        folder.addListener(SWT.Selection, e -> chooseRepository(parent));
        remove = new Button(bar, SWT.PUSH);
        remove.setText("Remove");
        remove.setEnabled(false);
        remove.addListener(SWT.Selection, e -> removeSelected());
        status = new StatusLine(bar, sync, "");
        table = Tables.create(parent, new String[] {"Bundle", "Version", "Origin", "Signed by", "Plugin", "Device series", "Models",
            "Modes"}, new int[] {200, 150, 80, 160, 180, 200, 130, 110});
        table.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
        table.addListener(SWT.Selection, e -> remove.setEnabled(selected() != null
                && selected().origin() == InstalledPlugin.Origin.INSTALLED));
        refresh();
    }

    /** Plugins come and go (also by other means than this view): show what is there now. */
    @Inject
    public void setPlugins(@Optional @Service List<UpgradePlugin> plugins) {
        refresh();
    }

    @Inject
    @Optional
    public void pluginEvent(@UIEventTopic(Topics.PLUGIN_ALL) Event event) {
        refresh();
    }

    private void refresh() {
        if (table == null || table.isDisposed()) {
            return;
        }
        List<String[]> rows = new ArrayList<>();
        List<InstalledPlugin> owners = new ArrayList<>();
        for (InstalledPlugin p : installer.list()) {
            String origin = p.status() == InstalledPlugin.Status.REFUSED ? "refused"
                    : p.origin() == InstalledPlugin.Origin.BUILT_IN ? "built-in" : "installed";
            String signer = p.signer() == null ? "" : p.signer().subject();
            if (p.plugins().isEmpty()) {
                rows.add(new String[] {p.symbolicName(), p.version() == null ? "" : p.version(), origin, signer,
                    p.problem() == null ? "(no upgrade plugin: it contributes to one)" : p.problem().name(), p.detail() == null ? "" : p.detail(), "", ""});
                owners.add(p);
            }
            for (PluginInfo info : p.plugins()) {
                for (DeviceSeries s : info.series()) {
                    rows.add(new String[] {p.symbolicName(), p.version(), origin, signer, info.id() + " (" + info.name() + ")",
                        s.vendor() + " " + s.family() + (s.chipset() == null ? "" : " / " + s.chipset()), String.join(", ", s.models()),
                        s.modes().stream().map(Enum::name).collect(Collectors.joining(", "))});
                    owners.add(p);
                }
            }
        }
        rowsOf = owners;
        Tables.fill(table, rows);
        remove.setEnabled(false);
    }

    private InstalledPlugin selected() {
        int i = table.getSelectionIndex();
        return i < 0 || i >= rowsOf.size() ? null : rowsOf.get(i);
    }

    private void chooseFile(Composite parent) {
        FileDialog dialog = new FileDialog(parent.getShell(), SWT.OPEN);
        dialog.setText("Install a plugin");
        dialog.setFilterExtensions(new String[] {"*.jar;*.zip", "*"});
        dialog.setFilterNames(new String[] {"Plugin jars and zipped repositories", "All files"});
        String chosen = dialog.open();
        if (chosen != null) {
            install(Path.of(chosen), parent);
        }
    }

    private void chooseRepository(Composite parent) {
        DirectoryDialog dialog = new DirectoryDialog(parent.getShell());
        dialog.setText("Install plugins from a p2 repository");
        String chosen = dialog.open();
        if (chosen != null) {
            install(Path.of(chosen), parent);
        }
    }

    /**
     * Installs in the background; a repository offering several features asks which one first.
     * {@code parent} is where to ask; {@code null} installs a repository's only feature.
     */
    void install(Path source, Composite parent) {
        say("Checking " + source.getFileName() + " ...");
        background.execute(() -> {
            try {
                String feature = null;
                if (Files.isDirectory(source) || source.getFileName().toString().endsWith(".zip")) {
                    List<String> features = installer.features(source);
                    if (features.size() > 1 && parent != null) {
                        feature = ask(parent, features);
                        if (feature == null) {
                            say("Nothing installed.");
                            return;
                        }
                    }
                }
                List<InstalledPlugin> installed = installer.install(source, feature);
                say(installed.isEmpty() ? "Nothing to install: the station has all of it already."
                        : "Installed " + installed.stream().map(p -> p.symbolicName() + " " + p.version()).collect(Collectors.joining(", "))
                                + ", signed by " + installed.get(0).signer().subject() + ".");
            } catch (FlashgateException e) {
                say(explain(e));
            }
            sync.asyncExec(this::refresh);
        });
    }

    private String ask(Composite parent, List<String> features) {
        String[] answer = new String[1];
        sync.syncExec(() -> {
            List<String> buttons = new ArrayList<>(features);
            buttons.add("Cancel");
            int chosen = new MessageDialog(parent.getShell(), "Install plugins", null, "The repository offers these features; "
                    + "which one should be installed?", MessageDialog.QUESTION, 0, buttons.toArray(String[]::new)).open();
            answer[0] = chosen >= 0 && chosen < features.size() ? features.get(chosen) : null;
        });
        return answer[0];
    }

    private void removeSelected() {
        InstalledPlugin p = selected();
        if (p != null) {
            remove(p.symbolicName());
        }
    }

    /** Removes an installed plugin; refused with the reason while it runs a session. */
    void remove(String symbolicName) {
        try {
            InstalledPlugin gone = installer.remove(symbolicName);
            say("Removed " + gone.symbolicName() + " " + gone.version() + ".");
        } catch (FlashgateException e) {
            say(explain(e));
        }
        refresh();
    }

    private static String explain(FlashgateException e) {
        return e.code().name() + ": " + e.code().symptom() + " " + e.detail() + ". " + e.code().resolution();
    }

    private void say(String text) {
        status.say(text);
    }

    @PreDestroy
    public void dispose() {
        background.shutdownNow();
    }

    // for tests
    Table table() {
        return table;
    }

    String status() {
        return status.text();
    }
}
