package dev.flashgate.ui.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Singleton;

import org.eclipse.e4.core.di.annotations.Creatable;

import dev.flashgate.core.pkg.TrustAnchors;
import dev.flashgate.core.pkg.VerificationReport;

/**
 * What the views share on the UI thread: the packages verified so far (the Status view offers them
 * for updates) and the trust anchors they were verified against (sessions use the same ones).
 */
@Creatable
@Singleton
public final class VerifiedPackages {

    private final List<VerificationReport> verified = new ArrayList<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private TrustAnchors anchors;

    /** A package passed verification against {@code trusted}; replaces an earlier report of the same file. */
    void add(VerificationReport report, TrustAnchors trusted) {
        verified.removeIf(r -> r.source().equals(report.source()));
        verified.add(report);
        anchors = trusted;
        listeners.forEach(Runnable::run);
    }

    List<VerificationReport> list() {
        return List.copyOf(verified);
    }

    /** The anchors the packages were verified against; {@code null} for the station's trust store. */
    TrustAnchors anchors() {
        return anchors;
    }

    /** Runs {@code listener} (on the UI thread) whenever a package is verified. */
    void onChange(Runnable listener) {
        listeners.add(listener);
    }
}
