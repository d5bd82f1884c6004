package dev.flashgate.cli;

import java.util.concurrent.TimeUnit;

import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.Printable;

/**
 * The headless application {@code dev.flashgate.cli.app}: hands the command line to the
 * {@link FlashgateCommands} component once Declarative Services has wired it, and returns its
 * exit status to the launcher.
 */
public final class FlashgateApplication implements IApplication {

    private static final long WIRING_TIMEOUT_SECONDS = 20;
    private static final int RESERVE_BYTES = 1 << 20;

    /** Heap given back when it runs out, so that the failure can still be typed and printed. */
    private volatile byte[] reserve;

    @Override
    public Object start(IApplicationContext context) {
        reserve = new byte[RESERVE_BYTES];
        // loaded now: loading a class reads its jar, which takes memory the error path may not have then
        int lowMemory = ErrorCode.HOST_LOW_MEMORY.exitStatus();
        int internal = FlashgateException.unexpected(new IllegalStateException()).code().exitStatus();
        try {
            String[] args = (String[]) context.getArguments().getOrDefault(IApplicationContext.APPLICATION_ARGS, new String[0]);
            BundleContext bundleContext = FrameworkUtil.getBundle(FlashgateApplication.class).getBundleContext();
            ServiceTracker<FlashgateCommands, FlashgateCommands> tracker = new ServiceTracker<>(bundleContext,
                    FlashgateCommands.class, null);
            tracker.open();
            try {
                FlashgateCommands commands = tracker.waitForService(TimeUnit.SECONDS.toMillis(WIRING_TIMEOUT_SECONDS));
                if (commands == null) {
                    System.err.println("INTERNAL: Flashgate's services did not start within " + WIRING_TIMEOUT_SECONDS
                            + " s; run with FLASHGATE_JAVA_OPTS=-Dflashgate.debug=true and report the output.");
                    return 1;
                }
                context.applicationRunning();
                return commands.execute(args, Terminal.system());
            } finally {
                tracker.close();
            }
        } catch (Throwable e) {
            // what escapes would go to the framework's log in the install folder, and the launcher would exit with 0
            reserve = null;
            try {
                FlashgateException typed = FlashgateException.unexpected(e);
                System.err.println(typed.code().name() + ": " + Printable.line(typed.detail()));
                return typed.code().exitStatus();
            } catch (Throwable again) {
                return e instanceof OutOfMemoryError ? lowMemory : internal;
            }
        }
    }

    @Override
    public void stop() {
        // Commands are short-lived; the framework ends them by exiting.
    }
}
