package dev.jllm.engine.runtime;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of daemon platform threads for data-parallel loops. Its size comes from {@code -Djllm.threads} or, by
 * default, the number of available processors. The calling thread works too, so a pool of {@code t} threads runs
 * {@code t - 1} helpers; no thread is created per call. A forward pass makes hundreds of calls a second with little
 * serial work between them, so an idle helper spins for {@link #IDLE_SPIN_NANOS} before it parks: a parked thread
 * takes tens of microseconds to wake, time in which the caller does the helper's share alone.
 */
public final class Parallel {

    /** A piece of work over the half-open index range {@code [start, end)}. */
    @FunctionalInterface
    public interface IntRangeTask {
        void run(int start, int end);
    }

    private static final int THREADS = configuredThreads();
    /** More chunks than threads, so that a thread that finishes early takes over work from a slow one. */
    private static final int CHUNKS_PER_THREAD = 4;
    private static final int SPINS_BEFORE_PARKING = 2_000;
    /** How long an idle helper looks for the next job before it parks. */
    private static final long IDLE_SPIN_NANOS = 200_000;
    private static final ConcurrentLinkedQueue<Job> QUEUE = new ConcurrentLinkedQueue<>();
    private static final Thread[] HELPERS = startHelpers(THREADS - 1);

    private Parallel() {}

    /** The number of threads a loop runs on, the caller included. */
    public static int threads() {
        return THREADS;
    }

    /**
     * Runs {@code task} over {@code [0, n)} split into contiguous chunks of at least {@code grain} indices (the last
     * one may be shorter), and returns when all of them are done. Chunks run in no particular order, on the caller
     * and the pool's threads. The first exception a chunk throws is rethrown here once every started chunk ended;
     * chunks not yet started are then skipped. Nested calls from inside a task are allowed.
     */
    public static void forRange(int n, int grain, IntRangeTask task) {
        if (n < 0) throw new IllegalArgumentException("range length must not be negative, got " + n);
        if (grain < 1) throw new IllegalArgumentException("grain must be at least 1, got " + grain);
        if (n == 0) return;
        int chunks = (int) Math.min((n + (long) grain - 1) / grain, (long) THREADS * CHUNKS_PER_THREAD);
        int chunkSize = Math.max(grain, (n + chunks - 1) / chunks);
        chunks = (n + chunkSize - 1) / chunkSize;
        if (chunks <= 1 || HELPERS.length == 0) {
            task.run(0, n);
            return;
        }
        Job job = new Job(task, n, chunkSize, chunks, Thread.currentThread());
        for (int h = Math.min(HELPERS.length, chunks - 1); h > 0; h--) QUEUE.offer(job);
        for (Thread helper : HELPERS) LockSupport.unpark(helper); // a no-op for a helper that is spinning or working
        job.run();
        job.awaitAll();
        Throwable failure = job.failure;
        if (failure instanceof RuntimeException e) throw e;
        if (failure instanceof Error e) throw e;
        if (failure != null) throw new IllegalStateException(failure);
    }

    private static final class Job implements Runnable {
        private final IntRangeTask task;
        private final int n;
        private final int chunkSize;
        private final int chunks;
        private final Thread caller;
        private final AtomicInteger nextChunk = new AtomicInteger();
        private final AtomicInteger finishedChunks = new AtomicInteger();
        private volatile Throwable failure;

        Job(IntRangeTask task, int n, int chunkSize, int chunks, Thread caller) {
            this.task = task;
            this.n = n;
            this.chunkSize = chunkSize;
            this.chunks = chunks;
            this.caller = caller;
        }

        @Override
        public void run() {
            int c;
            while ((c = nextChunk.getAndIncrement()) < chunks) {
                try {
                    if (failure == null) {
                        int start = c * chunkSize;
                        task.run(start, (int) Math.min(n, (long) start + chunkSize));
                    }
                } catch (Throwable t) {
                    synchronized (this) {
                        if (failure == null) failure = t;
                    }
                } finally {
                    if (finishedChunks.incrementAndGet() == chunks) LockSupport.unpark(caller);
                }
            }
        }

        void awaitAll() {
            for (int spin = 0; finishedChunks.get() < chunks; spin++) {
                if (spin < SPINS_BEFORE_PARKING) Thread.onSpinWait();
                else LockSupport.park(this);
            }
        }
    }

    private static int configuredThreads() {
        String value = System.getProperty("jllm.threads");
        if (value == null || value.isBlank()) return Runtime.getRuntime().availableProcessors();
        try {
            int threads = Integer.parseInt(value.trim());
            if (threads >= 1) return threads;
        } catch (NumberFormatException ignored) {
            // reported below with the value
        }
        throw new IllegalArgumentException("-Djllm.threads must be a positive integer, got '" + value + "'");
    }

    private static Thread[] startHelpers(int count) {
        Thread[] helpers = new Thread[count];
        for (int i = 0; i < count; i++) {
            helpers[i] = new Thread(Parallel::help, "jllm-worker-" + (i + 1));
            helpers[i].setDaemon(true);
            helpers[i].start();
        }
        return helpers;
    }

    /** A helper's life: run queued jobs; when there are none, spin a little, then park until the next call. */
    private static void help() {
        while (true) {
            Job job = QUEUE.poll();
            if (job != null) {
                job.run();
                continue;
            }
            long idleSince = System.nanoTime();
            while (QUEUE.isEmpty() && System.nanoTime() - idleSince < IDLE_SPIN_NANOS) Thread.onSpinWait();
            // a job offered after this check unparks the helper, so the park returns at once
            if (QUEUE.isEmpty()) LockSupport.park(QUEUE);
        }
    }
}
