package dev.flashgate.ui.internal;

import java.util.List;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;

import dev.flashgate.core.Printable;

/** Plain SWT tables the views share: a header, columns by name, rows of text. */
final class Tables {

    private Tables() {
    }

    /** A full-row-select table with these columns, each {@code widths[i]} pixels wide. */
    static Table create(Composite parent, String[] columns, int[] widths) {
        return create(parent, columns, widths, SWT.NONE);
    }

    /** The same with extra style bits, e.g. {@code SWT.CHECK}. */
    static Table create(Composite parent, String[] columns, int[] widths, int style) {
        Table table = new Table(parent, SWT.BORDER | SWT.FULL_SELECTION | SWT.MULTI | SWT.V_SCROLL | SWT.H_SCROLL | style);
        table.setHeaderVisible(true);
        table.setLinesVisible(true);
        for (int i = 0; i < columns.length; i++) {
            TableColumn c = new TableColumn(table, SWT.LEFT);
            c.setText(columns[i]);
            c.setWidth(widths[i]);
            c.setMoveable(true);
        }
        return table;
    }

    /** Replaces the table's rows, keeping its scroll position where the row count allows. */
    static void fill(Table table, List<String[]> rows) {
        int top = table.getTopIndex();
        table.setRedraw(false);
        try {
            table.removeAll();
            for (String[] row : rows) {
                TableItem item = new TableItem(table, SWT.NONE);
                for (int i = 0; i < row.length; i++) {
                    // cells hold text from packages, devices and repositories: shown, never acted on
                    item.setText(i, row[i] == null ? "" : Printable.line(row[i]));
                }
            }
            table.setTopIndex(Math.min(top, Math.max(0, rows.size() - 1)));
        } finally {
            table.setRedraw(true);
        }
    }

    /** The text of every row, column by column: what a technician copies. */
    static String text(Table table) {
        StringBuilder s = new StringBuilder();
        for (TableItem item : table.getItems()) {
            for (int i = 0; i < table.getColumnCount(); i++) {
                s.append(i == 0 ? "" : "\t").append(item.getText(i));
            }
            s.append('\n');
        }
        return s.toString();
    }
}
