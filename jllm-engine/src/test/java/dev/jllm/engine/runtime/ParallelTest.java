package dev.jllm.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {

    @Test
    void everyIndexRunsExactlyOnceInChunksOfAtLeastTheGrain() {
        for (int n : new int[] {1, 2, 7, 100, 1001, 100_000}) {
            for (int grain : new int[] {1, 3, 64, 5000}) {
                AtomicIntegerArray seen = new AtomicIntegerArray(n);
                AtomicInteger shortChunks = new AtomicInteger();
                Parallel.forRange(n, grain, (start, end) -> {
                    assertThat(start).isLessThan(end);
                    if (end - start < grain && end != n) shortChunks.incrementAndGet();
                    for (int i = start; i < end; i++) seen.incrementAndGet(i);
                });
                for (int i = 0; i < n; i++) assertThat(seen.get(i)).as("n=%d grain=%d index %d", n, grain, i).isEqualTo(1);
                assertThat(shortChunks.get()).as("chunks shorter than the grain, other than the last").isZero();
            }
        }
    }

    @Test
    void anEmptyRangeRunsNothing() {
        Parallel.forRange(0, 1, (start, end) -> {
            throw new AssertionError("ran " + start + ".." + end);
        });
    }

    @Test
    void workIsSharedWithThePoolThreads() {
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        for (int attempt = 0; attempt < 50 && threads.size() < Math.min(2, Parallel.threads()); attempt++) {
            Parallel.forRange(Parallel.threads() * 4, 1, (start, end) -> {
                threads.add(Thread.currentThread());
                sleep();
            });
        }
        assertThat(threads.size()).isBetween(Math.min(2, Parallel.threads()), Parallel.threads());
        threads.remove(Thread.currentThread());
        for (Thread t : threads) assertThat(t.isDaemon()).as(t.getName()).isTrue();
    }

    @Test
    void nestedLoopsComplete() {
        AtomicInteger total = new AtomicInteger();
        Parallel.forRange(8, 1, (s, e) -> {
            for (int i = s; i < e; i++) Parallel.forRange(100, 1, (a, b) -> total.addAndGet(b - a));
        });
        assertThat(total.get()).isEqualTo(800);
    }

    @Test
    void theFirstFailureIsRethrownAfterRunningChunksEnd() {
        AtomicInteger running = new AtomicInteger();
        assertThatThrownBy(() -> Parallel.forRange(64, 1, (start, end) -> {
            running.incrementAndGet();
            try {
                if (start <= 5 && 5 < end) throw new IllegalStateException("chunk with 5 failed");
                sleep();
            } finally {
                running.decrementAndGet();
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("chunk with 5 failed");
        assertThat(running.get()).as("chunks still running after forRange returned").isZero();
        // the pool keeps working afterwards
        AtomicInteger after = new AtomicInteger();
        Parallel.forRange(64, 1, (s, e) -> after.addAndGet(e - s));
        assertThat(after.get()).isEqualTo(64);
    }

    @Test
    void badArgumentsAreRejected() {
        assertThatThrownBy(() -> Parallel.forRange(-1, 1, (s, e) -> {})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> Parallel.forRange(10, 0, (s, e) -> {})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("grain");
    }

    private static void sleep() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
