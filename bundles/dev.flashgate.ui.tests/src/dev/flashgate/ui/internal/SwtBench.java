package dev.flashgate.ui.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.eclipse.e4.ui.di.UISynchronize;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.ImageLoader;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;


/** A shell to put one view in, the event loop pumped until a condition holds, and screenshots. */
final class SwtBench implements AutoCloseable {

    /** SWT needs an X display: ./run-tests starts Xvfb; without one (and no Xvfb to start) these tests are skipped. */
    static void assumeDisplay() {
        String display = System.getenv("DISPLAY");
        org.junit.jupiter.api.Assumptions.assumeTrue(display != null && !display.isBlank(), "no X display (install xvfb)");
    }

    final Display display = Display.getDefault();
    final Shell shell = new Shell(display);
    private final java.util.List<ServiceRegistration<EventHandler>> handlers = new java.util.ArrayList<>();

    SwtBench() {
        shell.setLayout(new FillLayout());
        shell.setSize(1200, 700);
    }

    /** The view's parent, as the workbench would hand it over. */
    Composite parent() {
        return new Composite(shell, SWT.NONE);
    }

    void open() {
        shell.layout(true, true);
        shell.open();
    }

    /** What e4 gives a part: runs on this display's thread. */
    UISynchronize sync() {
        return new UISynchronize() {
            @Override
            public void syncExec(Runnable r) {
                display.syncExec(r);
            }

            @Override
            public void asyncExec(Runnable r) {
                display.asyncExec(r);
            }

            @Override
            protected boolean isUIThread(Thread t) {
                return display.getThread() == t;
            }

            @Override
            protected void showBusyWhile(Runnable r) {
                r.run();
            }

            @Override
            protected boolean dispatchEvents() {
                return display.readAndDispatch();
            }
        };
    }

    /**
     * Delivers EventAdmin events of {@code topics} to {@code view} on the UI thread, as e4's
     * {@code @UIEventTopic} does for a part in the workbench; until this bench is closed.
     */
    void deliver(Consumer<Event> view, String... topics) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(EventConstants.EVENT_TOPIC, topics);
        handlers.add(FrameworkUtil.getBundle(SwtBench.class).getBundleContext().registerService(EventHandler.class,
                e -> display.asyncExec(() -> view.accept(e)), properties));
    }

    /** Runs the event loop until {@code done} holds; fails after {@code timeout}. */
    void until(BooleanSupplier done, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            if (!display.readAndDispatch()) {
                display.timerExec(20, () -> { });
                display.sleep();
            }
        }
    }

    /** Saves what the shell shows as a PNG (under the test bundle's target/screenshots). */
    void screenshot(String name) throws Exception {
        shell.redraw(0, 0, shell.getSize().x, shell.getSize().y, true);
        long settled = System.nanoTime() + Duration.ofMillis(400).toNanos();
        while (System.nanoTime() < settled) { // GTK draws on its own schedule: let it, so the copy shows the widgets as they are
            if (!display.readAndDispatch()) {
                Thread.sleep(10);
            }
        }
        Image image = new Image(display, shell.getClientArea().width, shell.getClientArea().height);
        GC gc = new GC(shell);
        try {
            gc.copyArea(image, 0, 0);
        } finally {
            gc.dispose();
        }
        try {
            Path dir = Files.createDirectories(Path.of(System.getProperty("flashgate.home")).getParent().resolve("screenshots"));
            ImageLoader loader = new ImageLoader();
            loader.data = new ImageData[] {image.getImageData()};
            loader.save(dir.resolve(name + ".png").toString(), SWT.IMAGE_PNG);
        } finally {
            image.dispose();
        }
    }

    @Override
    public void close() {
        handlers.forEach(ServiceRegistration::unregister);
        shell.dispose();
    }
}
