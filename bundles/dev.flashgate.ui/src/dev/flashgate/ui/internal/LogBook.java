package dev.flashgate.ui.internal;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Singleton;

import org.eclipse.e4.core.di.annotations.Creatable;

/** The log the Log view shows: the latest {@value #LIMIT} entries, kept from the workbench's start, on the UI thread. */
@Creatable
@Singleton
public final class LogBook {

    static final int LIMIT = 20_000;

    private final ArrayDeque<LogEntry> entries = new ArrayDeque<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    void add(LogEntry entry) {
        if (entries.size() == LIMIT) {
            entries.removeFirst();
        }
        entries.addLast(entry);
        listeners.forEach(Runnable::run);
    }

    void clear() {
        entries.clear();
        listeners.forEach(Runnable::run);
    }

    List<LogEntry> entries(LogFilter filter) {
        return entries.stream().filter(filter::test).toList();
    }

    void onChange(Runnable listener) {
        listeners.add(listener);
    }
}
