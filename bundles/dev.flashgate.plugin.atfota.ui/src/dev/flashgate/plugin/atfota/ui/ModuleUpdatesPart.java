package dev.flashgate.plugin.atfota.ui;

import java.util.List;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;

import org.eclipse.e4.core.di.annotations.Optional;
import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.e4.ui.di.UIEventTopic;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;
import org.osgi.service.event.Event;

import dev.flashgate.core.Topics;
import dev.flashgate.core.session.SessionRecord;
import dev.flashgate.upgrade.UpdateSession;
import dev.flashgate.upgrade.UpdateSessions;

/**
 * The view the example plugin brings into the workbench through its model fragment: the sessions
 * of the {@code at-fota} plugin with what the module itself last said of its update (its FOTA runs
 * on the module, after the upload). It comes with the plugin and goes when the plugin is removed.
 */
public final class ModuleUpdatesPart {

    static final String PLUGIN = "at-fota";
    private static final String[] COLUMNS = {"Module (IMEI)", "From", "To", "State", "The module says"};

    private UpdateSessions sessions;
    private Table table;

    @PostConstruct
    public void create(Composite parent) {
        parent.setLayout(new FillLayout());
        table = new Table(parent, SWT.FULL_SELECTION | SWT.BORDER);
        table.setHeaderVisible(true);
        table.setLinesVisible(true);
        int[] widths = {170, 130, 130, 130, 260};
        for (int i = 0; i < COLUMNS.length; i++) {
            TableColumn c = new TableColumn(table, SWT.LEFT);
            c.setText(COLUMNS[i]);
            c.setWidth(widths[i]);
        }
        refresh();
    }

    @Inject
    public void setSessions(@Optional @Service UpdateSessions sessions) {
        this.sessions = sessions;
        refresh();
    }

    @Inject
    @Optional
    public void sessionEvent(@UIEventTopic(Topics.SESSION_ALL) Event event) {
        if (!Topics.SESSION_PROGRESS.equals(event.getTopic())) {
            refresh();
        }
    }

    /** Shows the plugin's sessions as they are now. */
    public void refresh() {
        if (table == null || table.isDisposed()) {
            return;
        }
        table.removeAll();
        if (sessions == null) {
            return;
        }
        for (UpdateSession s : sessions.sessions()) {
            SessionRecord r = s.status().record();
            if (!PLUGIN.equals(r.plugin())) {
                continue;
            }
            TableItem item = new TableItem(table, SWT.NONE);
            item.setText(new String[] {r.imei() == null ? r.deviceId() : r.imei(), text(r.revisionBefore()), text(r.version()),
                r.state().name() + (r.code() == null ? "" : " " + r.code().name()), lastModuleLine(s.log())});
        }
    }

    /** The newest log line about the module's own update (its FOTA progress), without the timestamp. */
    static String lastModuleLine(List<String> log) {
        for (int i = log.size() - 1; i >= 0; i--) {
            String line = log.get(i);
            if (line.contains("the module")) {
                int space = line.indexOf(' ');
                return space > 0 && Character.isDigit(line.charAt(0)) ? line.substring(space + 1) : line;
            }
        }
        return "";
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }
}
