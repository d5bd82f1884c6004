package dev.flashgate.verify.internal;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.Artifact;
import dev.flashgate.core.pkg.ArtifactResult;
import dev.flashgate.core.pkg.ProgressListener;

/**
 * Streams artifacts through JCA SHA-256 (SHA-NI intrinsics), one artifact per worker and as many
 * workers as cores, largest first. Memory per worker is two 1 MiB direct buffers, whatever the
 * artifact sizes.
 */
public final class ArtifactHasher {

    /** An artifact and the entry holding its bytes. */
    public record Job(Artifact artifact, ZipEntryRecord entry) {
    }

    private static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super(null, null, false, false);
        }
    }

    private final int threads;

    public ArtifactHasher(int threads) {
        this.threads = Math.max(1, threads);
    }

    /**
     * Hashes every job; results are in the order of {@code jobs}. With {@code stopAtFirstMismatch},
     * artifacts not yet finished after a mismatch come back {@code NOT_CHECKED}.
     */
    public List<ArtifactResult> hash(ZipArchive zip, List<Job> jobs, boolean stopAtFirstMismatch, ProgressListener progress)
            throws IOException, FlashgateException {
        long total = jobs.stream().mapToLong(j -> j.entry().size()).sum();
        AtomicLong done = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong((Integer i) -> jobs.get(i).entry().size()).reversed());
        int workers = Math.min(threads, jobs.size());
        AtomicInteger next = new AtomicInteger();
        ArtifactResult[] results = new ArtifactResult[jobs.size()];
        if (workers <= 1) {
            drain(zip, jobs, order, next, results, stop, stopAtFirstMismatch, done, total, progress);
            return List.of(results);
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "flashgate-hash");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Void>> futures = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                futures.add(pool.submit(() -> {
                    drain(zip, jobs, order, next, results, stop, stopAtFirstMismatch, done, total, progress);
                    return null;
                }));
            }
            for (Future<Void> f : futures) {
                await(f, stop);
            }
            return List.of(results);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(Future<Void> f, AtomicBoolean stop) throws IOException, FlashgateException {
        try {
            f.get();
        } catch (InterruptedException e) {
            stop.set(true);
            Thread.currentThread().interrupt();
            throw new FlashgateException(ErrorCode.INTERNAL, "verification interrupted");
        } catch (ExecutionException e) {
            stop.set(true);
            switch (e.getCause()) {
                case FlashgateException fe -> throw fe;
                case IOException io -> throw io;
                case RuntimeException re -> throw re;
                default -> throw new IllegalStateException(e.getCause());
            }
        }
    }

    private static void drain(ZipArchive zip, List<Job> jobs, List<Integer> order, AtomicInteger next, ArtifactResult[] results,
            AtomicBoolean stop, boolean stopAtFirstMismatch, AtomicLong done, long total, ProgressListener progress)
            throws IOException, FlashgateException {
        for (int i = next.getAndIncrement(); i < order.size(); i = next.getAndIncrement()) {
            int index = order.get(i);
            Job job = jobs.get(index);
            ArtifactResult result = stop.get() ? ArtifactResult.notChecked(job.artifact())
                    : hashOne(zip, job, stop, done, total, progress);
            results[index] = result;
            if (stopAtFirstMismatch && result.status() != ArtifactResult.Status.MATCH) {
                stop.set(true);
            }
        }
    }

    private static ArtifactResult hashOne(ZipArchive zip, Job job, AtomicBoolean stop, AtomicLong done, long total,
            ProgressListener progress) throws IOException, FlashgateException {
        MessageDigest sha = sha256();
        long produced;
        try {
            produced = zip.reader(job.entry()).stream(chunk -> {
                if (stop.get()) {
                    throw new Stopped();
                }
                int n = chunk.remaining();
                sha.update(chunk);
                progress.progress(done.addAndGet(n), total);
            });
        } catch (Stopped s) {
            return ArtifactResult.notChecked(job.artifact());
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        Artifact a = job.artifact();
        if (produced != a.size()) {
            return new ArtifactResult(a, ArtifactResult.Status.SIZE_MISMATCH, produced, actual);
        }
        return new ArtifactResult(a, actual.equals(a.sha256()) ? ArtifactResult.Status.MATCH
                : ArtifactResult.Status.HASH_MISMATCH, produced, actual);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
