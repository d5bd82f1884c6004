package dev.flashgate.cli;

import java.util.concurrent.TimeUnit;

import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The headless application {@code dev.flashgate.cli.app}: hands the command line to the
 * {@link FlashgateCommands} component once Declarative Services has wired it, and returns its
 * exit status to the launcher.
 */
public final class FlashgateApplication implements IApplication {

    private static final long WIRING_TIMEOUT_SECONDS = 20;

    @Override
    public Object start(IApplicationContext context) throws Exception {
        String[] args = (String[]) context.getArguments().getOrDefault(IApplicationContext.APPLICATION_ARGS, new String[0]);
        Bundle bundle = FrameworkUtil.getBundle(FlashgateApplication.class);
        BundleContext bundleContext = bundle.getBundleContext();
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
    }

    @Override
    public void stop() {
        // Commands are short-lived; the framework ends them by exiting.
    }
}
