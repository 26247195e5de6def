package dev.jllm.engine.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's memory read bandwidth, measured as STREAM measures it: {@code threads} threads each sum their own
 * slice of an off-heap buffer far larger than the caches with vector loads, and the fastest of several passes counts.
 * Decoding a token reads every weight once, so this is the ceiling a decode step's speed is judged against. The
 * threads are this measurement's own, so any thread count can be measured whatever {@link Parallel}'s size is.
 */
public final class MemoryBandwidth {
    private static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;
    private static final long LONG_BYTES = Long.BYTES;

    /**
     * One measurement.
     *
     * @param bytesPerSecond bytes read per second in the fastest pass
     * @param checksum the wrapping sum of the buffer's longs as every pass read them (each long is its index), proof
     *     that the reads happened and covered the buffer once
     */
    public record Result(long bufferBytes, int threads, int passes, double bytesPerSecond, long checksum) {
        /** Decimal gigabytes per second, as STREAM and hardware specifications count them. */
        public double gigabytesPerSecond() {
            return bytesPerSecond / 1e9;
        }
    }

    private MemoryBandwidth() {}

    /**
     * Fills a buffer of {@code bufferBytes} (rounded down to whole longs), each thread writing the slice it will
     * read (so that the pages lie near it), then times {@code passes} parallel read passes over it.
     */
    public static Result measure(long bufferBytes, int threads, int passes) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        if (bufferBytes < LONG_BYTES * threads) {
            throw new IllegalArgumentException("the buffer of " + bufferBytes + " bytes must hold at least one long per thread ("
                    + threads + " threads)");
        }
        if (passes < 1) throw new IllegalArgumentException("passes must be at least 1, got " + passes);
        long longs = bufferBytes / LONG_BYTES;
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "jllm-bandwidth");
            t.setDaemon(true);
            return t;
        });
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buffer = arena.allocate(longs * LONG_BYTES, 64);
            runSlices(pool, threads, longs, (start, end) -> {
                for (long i = start; i < end; i++) buffer.setAtIndex(ValueLayout.JAVA_LONG, i, i);
                return 0L;
            });
            double best = 0;
            long checksum = 0;
            for (int p = 0; p < passes; p++) {
                long t0 = System.nanoTime();
                checksum = runSlices(pool, threads, longs, (start, end) -> sum(buffer, start, end));
                long nanos = Math.max(1, System.nanoTime() - t0);
                best = Math.max(best, longs * LONG_BYTES * 1e9 / nanos);
            }
            return new Result(longs * LONG_BYTES, threads, passes, best, checksum);
        } finally {
            pool.shutdownNow();
        }
    }

    private interface SliceTask {
        long run(long startLong, long endLong);
    }

    /** Runs {@code task} over {@code threads} contiguous slices of {@code [0, longs)} and returns the sum of results. */
    private static long runSlices(ExecutorService pool, int threads, long longs, SliceTask task) {
        List<Future<Long>> slices = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            long start = longs * t / threads;
            long end = longs * (t + 1) / threads;
            slices.add(pool.submit(() -> task.run(start, end)));
        }
        long total = 0;
        try {
            for (Future<Long> f : slices) total += f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring memory bandwidth", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("memory bandwidth measurement failed", e.getCause());
        }
        return total;
    }

    /**
     * The wrapping sum of longs {@code [start, end)}: four vectors per step, one from each quarter of the range, since a
     * core fetches several streams from memory at once much faster than one.
     */
    private static long sum(MemorySegment buffer, long start, long end) {
        int lanes = L.length();
        long quarter = (end - start) / 4 / lanes * lanes;
        long q = quarter * LONG_BYTES, first = start * LONG_BYTES;
        LongVector a = LongVector.zero(L), b = a, c = a, d = a;
        for (long offset = first; offset < first + q; offset += lanes * LONG_BYTES) {
            a = a.add(LongVector.fromMemorySegment(L, buffer, offset, ByteOrder.nativeOrder()));
            b = b.add(LongVector.fromMemorySegment(L, buffer, offset + q, ByteOrder.nativeOrder()));
            c = c.add(LongVector.fromMemorySegment(L, buffer, offset + 2 * q, ByteOrder.nativeOrder()));
            d = d.add(LongVector.fromMemorySegment(L, buffer, offset + 3 * q, ByteOrder.nativeOrder()));
        }
        long total = a.add(b).add(c).add(d).reduceLanes(VectorOperators.ADD);
        for (long i = start + 4 * quarter; i < end; i++) total += buffer.getAtIndex(ValueLayout.JAVA_LONG, i);
        return total;
    }
}
