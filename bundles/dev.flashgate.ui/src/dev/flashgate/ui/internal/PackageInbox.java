package dev.flashgate.ui.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Singleton;

import org.eclipse.e4.core.di.annotations.Creatable;

import dev.flashgate.core.pkg.TrustAnchors;

/**
 * Packages handed to the Packages view from outside it (the embedded default), with the anchors to
 * trust for this run; kept until the view exists. Used on the UI thread.
 */
@Creatable
@Singleton
public final class PackageInbox {

    /** Opens packages, trusting {@code anchors} for this run when they are not {@code null}. */
    interface Reader {
        void open(TrustAnchors anchors, List<Path> packages);
    }

    private final List<Path> pending = new ArrayList<>();
    private TrustAnchors anchors;
    private Reader reader;

    void deliver(TrustAnchors runAnchors, List<Path> packages) {
        if (reader != null) {
            reader.open(runAnchors, packages);
            return;
        }
        anchors = runAnchors != null ? runAnchors : anchors;
        pending.addAll(packages);
    }

    void attach(Reader r) {
        reader = r;
        if (anchors != null || !pending.isEmpty()) {
            r.open(anchors, List.copyOf(pending));
            pending.clear();
            anchors = null;
        }
    }
}
