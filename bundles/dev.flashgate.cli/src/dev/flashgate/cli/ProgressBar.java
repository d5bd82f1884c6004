package dev.flashgate.cli;

import java.io.PrintWriter;

import dev.flashgate.core.pkg.ProgressListener;

/** A one-line progress bar on a terminal, redrawn at most ten times a second. */
final class ProgressBar implements ProgressListener {

    /** Packages smaller than this verify too fast for a bar to help. */
    static final long THRESHOLD = 64L << 20;
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final String label;
    private final long started = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    private ProgressBar(PrintWriter err, String label) {
        this.err = err;
        this.label = label;
    }

    static ProgressListener forSize(Terminal terminal, long bytes, String label) {
        return terminal.interactive() && bytes >= THRESHOLD ? new ProgressBar(terminal.err(), label) : ProgressListener.NONE;
    }

    @Override
    public synchronized void progress(long done, long total) {
        long now = System.nanoTime();
        if (done < total && now - lastDraw < 100_000_000L) {
            return;
        }
        lastDraw = now;
        int filled = total == 0 ? WIDTH : (int) (WIDTH * done / total);
        double seconds = Math.max(1e-3, (now - started) / 1e9);
        EscapingWriter.control(err, "\r");
        err.printf("%s [%s%s] %3d%% %6.0f MiB/s", label, "#".repeat(filled), " ".repeat(WIDTH - filled),
                total == 0 ? 100 : 100 * done / total, done / seconds / (1 << 20));
        err.flush();
        drawn = true;
    }

    /** Clears the line so the result starts on a clean one. */
    static void finish(ProgressListener listener) {
        if (listener instanceof ProgressBar bar && bar.drawn) {
            EscapingWriter.control(bar.err, "\r" + " ".repeat(bar.label.length() + WIDTH + 24) + "\r");
            bar.err.flush();
        }
    }
}
