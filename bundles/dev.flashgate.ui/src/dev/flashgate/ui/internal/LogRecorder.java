package dev.flashgate.ui.internal;

import java.time.Instant;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

import org.eclipse.e4.core.services.events.IEventBroker;
import org.eclipse.e4.ui.di.UISynchronize;
import org.osgi.service.event.EventHandler;

import dev.flashgate.core.Topics;

/**
 * Model add-on: records every Flashgate event but transfer progress into the {@link LogBook} from
 * the workbench's start, so the Log view shows what happened before it was first opened.
 */
public final class LogRecorder {

    @Inject
    private IEventBroker broker;

    @Inject
    private UISynchronize sync;

    @Inject
    private LogBook book;

    private final EventHandler handler = event -> {
        LogEntry entry = LogEntry.of(event, Instant.now());
        if (entry != null) {
            sync.asyncExec(() -> book.add(entry));
        }
    };

    @PostConstruct
    public void start() {
        // progress events (they carry "done") are many and say nothing the Status view does not
        broker.subscribe(Topics.PREFIX + "*", "(!(" + Topics.KEY_DONE + "=*))", handler, true);
    }

    @PreDestroy
    public void stop() {
        broker.unsubscribe(handler);
    }
}
