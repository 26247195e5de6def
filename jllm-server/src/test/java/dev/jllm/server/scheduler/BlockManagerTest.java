package dev.jllm.server.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BlockManagerTest {
    private static int[] range(int from, int to) {
        return IntStream.range(from, to).toArray();
    }

    private static boolean allocate(BlockManager m, long seq, int[] tokens, int slots) {
        return m.allocate(seq, m.matchPrefix(tokens, tokens.length), tokens.length, slots);
    }

    @Test
    void allocatesWhatTheSlotsNeedAndFreesItAll() {
        BlockManager m = new BlockManager(10, 4, true);
        assertThat(allocate(m, 1, range(0, 10), 10)).isTrue();
        assertThat(m.blockTable(1)).hasSize(3);
        assertThat(m.usedBlocks()).isEqualTo(3);
        assertThat(m.appendSlots(1, 12)).isTrue();
        assertThat(m.blockTable(1)).hasSize(3);
        assertThat(m.appendSlots(1, 13)).isTrue();
        assertThat(m.blockTable(1)).hasSize(4);
        m.free(1);
        assertThat(m.usedBlocks()).isZero();
        assertThat(m.freeBlocks()).isEqualTo(10);
        m.checkConsistency();
    }

    @Test
    void aFullPoolRefusesWithoutChangingAnything() {
        BlockManager m = new BlockManager(4, 4, false);
        assertThat(allocate(m, 1, range(0, 12), 12)).isTrue();
        assertThat(allocate(m, 2, range(0, 5), 5)).as("needs 2 blocks, 1 free").isFalse();
        assertThat(m.hasTable(2)).isFalse();
        assertThat(m.appendSlots(1, 17)).as("needs 2 more blocks").isFalse();
        assertThat(m.blockTable(1)).hasSize(3);
        assertThat(m.appendSlots(1, 16)).isTrue();
        assertThat(m.freeBlocks()).isZero();
        m.checkConsistency();
    }

    @Test
    void computedFullBlocksAreSharedWithALaterSequenceWithTheSamePrefix() {
        BlockManager m = new BlockManager(16, 4, true);
        int[] a = range(0, 10);
        allocate(m, 1, a, 10);
        assertThat(m.matchPrefix(a, 10).tokens()).as("nothing computed yet").isZero();
        m.markComputed(1, a, 10);
        assertThat(m.cachedBlocks()).as("two full blocks; the partial third is not cached").isEqualTo(2);

        int[] b = {0, 1, 2, 3, 4, 5, 6, 7, 99, 98, 97};
        PrefixMatch match = m.matchPrefix(b, b.length);
        assertThat(match.tokens()).isEqualTo(8);
        assertThat(m.allocate(2, match, b.length, b.length)).isTrue();
        int[] ta = m.blockTable(1), tb = m.blockTable(2);
        assertThat(tb[0]).isEqualTo(ta[0]);
        assertThat(tb[1]).isEqualTo(ta[1]);
        assertThat(tb[2]).isNotEqualTo(ta[2]);
        assertThat(m.usedBlocks()).isEqualTo(4);
        assertThat(m.hitTokens()).isEqualTo(8);
        assertThat(m.queriedTokens()).isEqualTo(10 + 11);
        m.checkConsistency();
    }

    @Test
    void theBlockHoldingTheLastPromptTokenIsNeverTakenFromTheCache() {
        BlockManager m = new BlockManager(16, 4, true);
        int[] a = range(0, 8);
        allocate(m, 1, a, 8);
        m.markComputed(1, a, 8);
        assertThat(m.cachedBlocks()).isEqualTo(2);
        assertThat(m.matchPrefix(a, 8).tokens()).as("the last token's logits are needed").isEqualTo(4);
        assertThat(m.matchPrefix(range(0, 9), 9).tokens()).isEqualTo(8);
    }

    @Test
    void equalBlocksAfterDifferentPrefixesDoNotMatch() {
        BlockManager m = new BlockManager(16, 4, true);
        int[] a = {1, 2, 3, 4, 5, 6, 7, 8, 0};
        allocate(m, 1, a, a.length);
        m.markComputed(1, a, a.length);
        int[] b = {9, 9, 9, 9, 5, 6, 7, 8, 0};
        assertThat(m.matchPrefix(b, b.length).tokens()).isZero();
    }

    @Test
    void freedCachedBlocksStayReusableUntilEvictedLeastRecentlyFreedFirst() {
        BlockManager m = new BlockManager(6, 2, true);
        int[] a = {1, 2, 3, 4, 5};
        int[] b = {6, 7, 8, 9, 10};
        allocate(m, 1, a, 5);
        m.markComputed(1, a, 5);
        m.free(1);
        allocate(m, 2, b, 5);
        m.markComputed(2, b, 5);
        m.free(2);
        assertThat(m.usedBlocks()).isZero();
        assertThat(m.cachedBlocks()).isEqualTo(4);
        assertThat(m.matchPrefix(a, 5).tokens()).isEqualTo(4);

        // 6 blocks: the 2 never-cached ones go first, then a's tail block (freed first), then a's head
        allocate(m, 3, new int[] {50, 51, 52, 53, 54, 55}, 6);
        assertThat(m.cachedBlocks()).as("one cached block evicted").isEqualTo(3);
        assertThat(m.matchPrefix(a, 5).tokens()).as("a keeps its head block").isEqualTo(2);
        assertThat(m.matchPrefix(b, 5).tokens()).isEqualTo(4);
        m.free(3);
        m.checkConsistency();
    }

    @Test
    void aHitOnAnEvictableBlockDoesNotCountItAsFree() {
        BlockManager m = new BlockManager(3, 2, true);
        int[] a = {1, 2, 3, 4, 5};
        allocate(m, 1, a, 5);
        m.markComputed(1, a, 5);
        m.free(1);
        int[] longer = {1, 2, 3, 4, 5, 6, 7};
        PrefixMatch match = m.matchPrefix(longer, 7);
        assertThat(match.tokens()).isEqualTo(4);
        // 4 blocks needed: the 2 matched ones and 2 fresh, but only 1 other block exists
        assertThat(m.allocate(2, match, 7, 7)).isFalse();
        assertThat(m.allocate(2, match, 7, 6)).isTrue();
        assertThat(m.freeBlocks()).isZero();
        m.checkConsistency();
    }

    @Test
    void writingIntoASharedLastBlockCopiesItFirst() {
        BlockManager m = new BlockManager(8, 4, true);
        int[] a = range(0, 6);
        allocate(m, 1, a, 6);
        m.markComputed(1, a, 6);
        m.fork(1, 2);
        assertThat(m.blockTable(2)).isEqualTo(m.blockTable(1));
        assertThat(m.usedBlocks()).isEqualTo(2);
        int sharedLast = m.blockTable(1)[1];

        assertThat(m.appendSlots(2, 7)).isTrue();
        List<BlockCopy> copies = m.drainCopies();
        assertThat(copies).hasSize(1);
        assertThat(copies.getFirst().source()).isEqualTo(sharedLast);
        assertThat(m.blockTable(2)[1]).isEqualTo(copies.getFirst().target()).isNotEqualTo(sharedLast);
        assertThat(m.blockTable(2)[0]).as("the full first block stays shared").isEqualTo(m.blockTable(1)[0]);

        assertThat(m.appendSlots(1, 7)).isTrue();
        assertThat(m.drainCopies()).as("the parent is the last holder: it writes in place").isEmpty();
        assertThat(m.blockTable(1)[1]).isEqualTo(sharedLast);
        m.free(1);
        m.free(2);
        assertThat(m.usedBlocks()).isZero();
        m.checkConsistency();
    }

    @Test
    void aForkAtABlockBoundaryNeedsNoCopy() {
        BlockManager m = new BlockManager(8, 4, true);
        int[] a = range(0, 8);
        allocate(m, 1, a, 8);
        m.fork(1, 2);
        assertThat(m.appendSlots(2, 9)).isTrue();
        assertThat(m.drainCopies()).isEmpty();
        assertThat(m.blockTable(2)).hasSize(3);
    }

    @Test
    void aBlockComputedTwiceIsCachedOnce() {
        BlockManager m = new BlockManager(8, 4, true);
        int[] a = range(0, 5);
        allocate(m, 1, a, 5);
        allocate(m, 2, a, 5);
        m.markComputed(1, a, 5);
        m.markComputed(2, a, 5);
        assertThat(m.cachedBlocks()).isEqualTo(1);
        m.free(1);
        m.free(2);
        m.checkConsistency();
    }

    @Test
    void withoutPrefixCachingNothingIsShared() {
        BlockManager m = new BlockManager(8, 4, false);
        int[] a = range(0, 9);
        allocate(m, 1, a, 9);
        m.markComputed(1, a, 9);
        assertThat(m.cachedBlocks()).isZero();
        assertThat(m.matchPrefix(a, 9).tokens()).isZero();
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new BlockManager(0, 4, true)).hasMessageContaining("at least one block");
        assertThatThrownBy(() -> new BlockManager(4, 0, true)).hasMessageContaining("block size");
        BlockManager m = new BlockManager(4, 4, true);
        assertThatThrownBy(() -> m.appendSlots(7, 3)).hasMessageContaining("sequence 7 has no blocks");
        allocate(m, 1, range(0, 3), 3);
        assertThatThrownBy(() -> allocate(m, 1, range(0, 3), 3)).hasMessageContaining("already has blocks");
    }
}
