package dev.flashgate.verify.internal;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.ProgressListener;

/**
 * Streams entries through JCA SHA-256 (SHA-NI intrinsics) on a pool of one thread per core, one
 * entry per thread, largest first. Memory per thread is two 1 MiB buffers whatever the sizes.
 * Hashing runs in the background: a verification starts it, goes on with its own checks, and
 * collects each digest when it needs it.
 */
public final class ArtifactHasher implements AutoCloseable {

    /**
     * What an entry's bytes are: how many there were, their SHA-256 (lowercase hex), and the
     * archive's refusal of them (a CRC-32 that disagrees), or {@code null}.
     */
    public record Digest(long size, String sha256, FlashgateException corrupt) {
    }

    private final ExecutorService pool;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicLong done = new AtomicLong();
    private final long total;
    private final ProgressListener progress;
    private final Map<ZipEntryRecord, CompletableFuture<Digest>> started = new IdentityHashMap<>();

    /** A hasher for one verification; {@code total} is the byte count progress is reported against. */
    public ArtifactHasher(int threads, long total, ProgressListener progress) {
        this.pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "flashgate-sha256");
            t.setDaemon(true);
            return t;
        });
        this.total = total;
        this.progress = progress;
    }

    /** Queues the entries, largest first; returns at once. */
    public synchronized void start(ZipArchive zip, List<ZipEntryRecord> entries) {
        entries.stream()
                .filter(e -> !started.containsKey(e))
                .sorted(Comparator.comparingLong(ZipEntryRecord::size).reversed())
                .forEach(e -> started.put(e, CompletableFuture.supplyAsync(() -> hash(zip, e), pool)));
    }

    /** The digest of an entry, hashing it now if it was not started; waits for it. */
    public Digest await(ZipArchive zip, ZipEntryRecord entry) throws IOException, FlashgateException {
        CompletableFuture<Digest> future;
        synchronized (this) {
            start(zip, List.of(entry));
            future = started.get(entry);
        }
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlashgateException(ErrorCode.INTERNAL, "verification interrupted");
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case Failure f when f.getCause() instanceof FlashgateException fe -> throw fe;
                case Failure f when f.getCause() instanceof IOException io -> throw io;
                case RuntimeException re -> throw re;
                case Error err -> throw err;
                default -> throw new IllegalStateException(e.getCause());
            }
        }
    }

    /** Stops every queued and running hash; used once the verdict no longer depends on them. */
    @Override
    public void close() {
        cancelled.set(true);
        pool.shutdownNow();
    }

    private Digest hash(ZipArchive zip, ZipEntryRecord entry) {
        MessageDigest sha = sha256();
        try {
            EntryReader reader = zip.reader(entry);
            EntryReader.Content content = reader.stream(chunk -> {
                if (cancelled.get()) {
                    throw new CancellationException();
                }
                int n = chunk.remaining();
                sha.update(chunk);
                progress.progress(done.addAndGet(n), total);
            });
            return new Digest(content.size(), HexFormat.of().formatHex(sha.digest()), reader.crcProblem(content));
        } catch (FlashgateException | IOException e) {
            throw new Failure(e);
        }
    }

    /** Carries a checked failure out of the pool. */
    private static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failure(Exception cause) {
            super(cause);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
