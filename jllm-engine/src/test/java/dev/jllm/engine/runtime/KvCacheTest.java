package dev.jllm.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jllm.engine.model.ModelConfig;
import org.junit.jupiter.api.Test;

/** The block pool and the per-sequence block tables: lazy growth, reuse, truncation and the sliding-window ring. */
class KvCacheTest {
    static final ModelConfig FULL = AttentionTest.config(32, 0);
    static final ModelConfig WINDOW_20 = AttentionTest.config(32, 20);

    @Test
    void blocksAreTakenAsTheSequenceGrows() {
        KvBlockPool pool = new KvBlockPool(FULL, KvType.F32, 16, 100);
        KvCache cache = new KvCache(pool, 1000);
        assertThat(pool.allocatedBytes()).isZero();
        step(cache, 0, 5);
        assertThat(cache.heldBlocks()).isEqualTo(1);
        step(cache, 5, 17);
        assertThat(cache.heldBlocks()).isEqualTo(2);
        step(cache, 17, 48);
        assertThat(cache.heldBlocks()).isEqualTo(3);
        assertThat(cache.length()).isEqualTo(48);
        // 2 layers x (keys + values) x 16 positions x 64 floats
        assertThat(pool.blockBytes()).isEqualTo(2L * 2 * 16 * 64 * 4);
        assertThat(cache.heldBytes()).isEqualTo(3 * pool.blockBytes()).isEqualTo(pool.allocatedBytes());
        assertThat(cache.blocksNeeded(49)).isEqualTo(1);
        assertThat(cache.blocksNeeded(48 + 16 * 3)).isEqualTo(3);
    }

    @Test
    void truncatingAndReleasingGiveBlocksBackForOthersToReuse() {
        KvBlockPool pool = new KvBlockPool(FULL, KvType.Q8_0, 16, 4);
        KvCache a = new KvCache(pool, 64), b = new KvCache(pool, 64);
        step(a, 0, 40);
        assertThat(pool.usedBlocks()).isEqualTo(3);
        assertThat(pool.freeBlocks()).isEqualTo(1);
        a.truncate(16);
        assertThat(a.heldBlocks()).isEqualTo(1);
        assertThat(a.length()).isEqualTo(16);
        step(b, 0, 48);
        assertThat(pool.usedBlocks()).isEqualTo(4);
        assertThat(pool.allocatedBytes()).as("freed blocks were reused").isEqualTo(4 * pool.blockBytes());
        assertThatThrownBy(() -> step(a, 16, 17)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the KV cache pool is full: all 4 blocks of 16 positions are held");
        b.release();
        assertThat(b.length()).isZero();
        assertThat(pool.freeBlocks()).isEqualTo(3);
        step(a, 16, 17);
        assertThat(a.heldBlocks()).isEqualTo(2);
    }

    @Test
    void aSlidingWindowKeepsOnlyTheBlocksItCanStillSee() {
        KvBlockPool pool = new KvBlockPool(WINDOW_20, KvType.F16, 16, 1000);
        KvCache cache = new KvCache(pool, 100_000);
        int most = 0;
        for (int pos = 0; pos < 5000; pos++) {
            step(cache, pos, pos + 1);
            most = Math.max(most, cache.heldBlocks());
        }
        // a query sees 20 positions: at most 21 of them, spread over 3 blocks, are ever needed
        assertThat(most).isEqualTo(3);
        assertThat(pool.allocatedBytes()).isEqualTo(3 * pool.blockBytes());
        // a prompt chunk of 100 needs the window before its first token and itself
        step(cache, 5000, 5100);
        assertThat(cache.heldBlocks()).isLessThanOrEqualTo(Math.ceilDiv(20 + 100, 16) + 1);
    }

    @Test
    void aSequenceContinuesOnlyWhereTheWindowKeptWhatItSees() {
        KvCache cache = new KvCache(new KvBlockPool(WINDOW_20, KvType.F32, 16, 100), 1000);
        step(cache, 0, 100);
        assertThat(cache.canContinueAt(60)).as("a prompt keeps its blocks until the next step").isTrue();
        step(cache, 100, 101);
        // position 100 sees 81..100: the blocks before 80 went back to the pool
        assertThat(cache.heldBlocks()).isEqualTo(2);
        assertThat(cache.canContinueAt(101)).isTrue();
        assertThat(cache.canContinueAt(99)).as("position 99 sees 80..98, all kept").isTrue();
        assertThat(cache.canContinueAt(98)).as("position 98 would see 79, dropped").isFalse();
        assertThat(cache.canContinueAt(102)).as("a gap").isFalse();
        assertThatThrownBy(() -> step(cache, 98, 99)).hasMessageContaining("the sliding window of 20 already dropped positions it sees");
        step(cache, 99, 100);
        assertThat(cache.length()).isEqualTo(100);
        cache.truncate(0);
        assertThat(cache.canContinueAt(0)).isTrue();
        assertThat(cache.heldBlocks()).isZero();
    }

    @Test
    void badUseIsAClearError() {
        KvBlockPool pool = new KvBlockPool(FULL, KvType.F32, 16, 2);
        KvCache cache = new KvCache(pool, 40);
        assertThatThrownBy(() -> step(cache, 0, 41)).isInstanceOf(ContextOverflowException.class)
                .hasMessageContaining("needs 41 positions but the context holds 40");
        assertThatThrownBy(() -> step(cache, 3, 4)).hasMessageContaining("cannot run position 3 next");
        assertThatThrownBy(() -> cache.truncate(1)).hasMessageContaining("cannot truncate a cache of 0 positions to 1");
        int block = pool.allocate();
        pool.free(block);
        assertThatThrownBy(() -> pool.free(block)).hasMessageContaining("KV block " + block + " is not held");
        assertThatThrownBy(() -> new KvCache(FULL, 0)).hasMessageContaining("context size must be positive, got 0");
        assertThatThrownBy(() -> new KvBlockPool(FULL, KvType.F32, 0, 2)).hasMessageContaining("block size must be positive");
    }

    /** Runs a step's bookkeeping (the rows themselves do not matter here). */
    private static void step(KvCache cache, int start, int end) {
        cache.prepare(start, end);
        cache.commit(end);
    }
}
