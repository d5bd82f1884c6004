package dev.flashgate.fuzz;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs one fuzz input on a worker thread: taking longer than the limit is a finding (a hang). */
public final class HangGuard {

    private final long seconds;
    private final ExecutorService worker;

    public HangGuard(String name, long seconds) {
        this.seconds = seconds;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code input}; its exceptions come out as they are, a hang as an AssertionError naming {@code what}. */
    public void run(String what, Callable<?> input) throws Exception {
        Future<?> run = worker.submit(input);
        try {
            run.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + " hung");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw new AssertionError(e.getCause());
        }
    }
}
