package dev.jllm.engine.runtime;

import dev.jllm.engine.model.ModelConfig;
import java.util.Arrays;

/**
 * The key/value cache of one sequence: a block table that maps its positions, {@link KvBlockPool#blockSize()} at a
 * time, to blocks of a {@link KvBlockPool}. Keys are stored after rope, as llama.cpp stores them.
 *
 * <p>The cache holds positions {@code [0, length())}. Blocks are taken from the pool as the sequence grows, so a long
 * context that holds few tokens takes little memory. For a sliding-window model ({@link ModelConfig#slidingWindow()})
 * only the positions a next query can still see are kept: a block that fell entirely out of the window goes back to
 * the pool, where the next block the sequence needs picks it up, so the memory is bounded by the window, not the
 * context.
 *
 * <p>A cache made by {@link #withBlockTable} takes no blocks itself: a caller's block manager (a server's, with
 * prefix sharing and copy-on-write) names its blocks before each step ({@link #useBlocks}).
 *
 * <p>Not thread-safe: one sequence is run by one caller at a time.
 */
public final class KvCache {
    private static final int NO_BLOCK = -1;

    private final KvBlockPool pool;
    /** Whether this cache takes its blocks from the pool and gives them back (else a caller names them). */
    private final boolean ownsBlocks;
    private final int capacity;
    private final int window;
    private final int blockSize;
    /** Block of the pool holding positions [b * blockSize, (b + 1) * blockSize), or NO_BLOCK. */
    private final int[] table;
    private int heldBlocks;
    /** Blocks below this one were dropped by the sliding window. */
    private int firstKeptBlock;
    /** No block from this one on is held. */
    private int blocksEnd;
    private int length;

    /** A float32 cache of {@code capacity} positions with a pool of its own. */
    public KvCache(ModelConfig config, int capacity) {
        this(config, capacity, KvType.F32);
    }

    /** A cache of {@code capacity} positions of {@code type} with a pool of its own, allocated as the sequence grows. */
    public KvCache(ModelConfig config, int capacity, KvType type) {
        this(new KvBlockPool(config, type, KvBlockPool.DEFAULT_BLOCK_SIZE, blocksFor(capacity, KvBlockPool.DEFAULT_BLOCK_SIZE)),
                capacity);
    }

    /** A cache of {@code capacity} positions (the sequence's context size) taking its blocks from a shared pool. */
    public KvCache(KvBlockPool pool, int capacity) {
        this(pool, capacity, true);
    }

    /**
     * A cache of {@code capacity} positions in blocks of {@code pool} that the caller names with {@link #useBlocks}
     * before each step; the cache never takes blocks from the pool nor gives them back.
     */
    public static KvCache withBlockTable(KvBlockPool pool, int capacity) {
        return new KvCache(pool, capacity, false);
    }

    private KvCache(KvBlockPool pool, int capacity, boolean ownsBlocks) {
        this.pool = pool;
        this.ownsBlocks = ownsBlocks;
        this.capacity = capacity;
        this.window = pool.config().slidingWindow();
        this.blockSize = pool.blockSize();
        this.table = new int[blocksFor(capacity, blockSize)];
        Arrays.fill(table, NO_BLOCK);
    }

    private static int blocksFor(int capacity, int blockSize) {
        if (capacity <= 0) throw new IllegalArgumentException("context size must be positive, got " + capacity);
        return Math.ceilDiv(capacity, blockSize);
    }

    public KvBlockPool pool() {
        return pool;
    }

    /** The most positions the sequence may have (its context size). */
    public int capacity() {
        return capacity;
    }

    /** Positions written so far: the next token goes to this position. */
    public int length() {
        return length;
    }

    /** Blocks of the pool this sequence holds now. */
    public int heldBlocks() {
        return heldBlocks;
    }

    /** Bytes of the blocks this sequence holds now. */
    public long heldBytes() {
        return heldBlocks * pool.blockBytes();
    }

    /**
     * Whether tokens can be run from position {@code pos} on: the cache holds every position before it, at least those
     * a query at {@code pos} sees (with a sliding window, earlier ones may have been dropped).
     */
    public boolean canContinueAt(int pos) {
        return pos >= 0 && pos <= length && firstKeptBlock * blockSize <= firstVisible(pos);
    }

    /**
     * The most new blocks a step that runs the positions from {@link #length()} up to {@code end} takes from the pool (a
     * sliding window may give some back first), for a scheduler to check against {@link KvBlockPool#freeBlocks()}.
     */
    public int blocksNeeded(int end) {
        int needed = 0;
        for (int b = length / blockSize; b < Math.min(table.length, Math.ceilDiv(end, blockSize)); b++) if (table[b] == NO_BLOCK) needed++;
        return needed;
    }

    /**
     * Names the blocks of a cache made by {@link #withBlockTable}: positions {@code [b * blockSize, (b + 1) *
     * blockSize)} live in block {@code blockTable[b]}, and the first {@code length} positions hold keys and values
     * already (computed by earlier steps, or shared with another sequence). The next step may run from any position up
     * to {@code length}, as far as the table reaches.
     */
    public void useBlocks(int[] blockTable, int length) {
        if (ownsBlocks) throw new IllegalStateException("this KV cache takes its blocks from the pool itself");
        if (blockTable.length > table.length) {
            throw new IllegalArgumentException("a block table of " + blockTable.length + " blocks exceeds the context of " + capacity + " positions");
        }
        if (length < 0 || length > blockTable.length * blockSize) {
            throw new IllegalArgumentException(length + " cached positions do not fit a block table of " + blockTable.length + " blocks");
        }
        pool.useIdsFromCaller(blockTable);
        System.arraycopy(blockTable, 0, table, 0, blockTable.length);
        Arrays.fill(table, blockTable.length, table.length, NO_BLOCK);
        heldBlocks = blockTable.length;
        blocksEnd = blockTable.length;
        this.length = length;
    }

    /** Forgets the positions from {@code newLength} on, giving their blocks back to the pool (if the cache took them). */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate a cache of " + length + " positions to " + newLength);
        }
        if (!ownsBlocks) {
            length = newLength;
            return;
        }
        int keep = Math.ceilDiv(newLength, blockSize);
        for (int b = keep; b < blocksEnd; b++) drop(b);
        blocksEnd = Math.min(blocksEnd, keep);
        if (newLength == 0) firstKeptBlock = 0;
        length = newLength;
    }

    /** Gives every block back to the pool (the sequence is done), or forgets the block table; the cache is empty afterwards. */
    public void release() {
        truncate(0);
        if (!ownsBlocks) useBlocks(new int[0], 0);
    }

    /**
     * Fails, before anything changes, when positions {@code [start, end)} cannot be run next: past the capacity, after
     * a gap, or where the window dropped keys they need.
     */
    void checkStep(int start, int end) {
        if (end > capacity) throw new ContextOverflowException(end, capacity);
        if (start < 0 || start > length) {
            throw new IllegalArgumentException("cannot run position " + start + " next: the cache holds positions 0.." + (length - 1));
        }
        if (!canContinueAt(start)) {
            throw new IllegalArgumentException("cannot run position " + start + " again: the sliding window of " + window
                    + " already dropped positions it sees (start over from position 0)");
        }
        if (!ownsBlocks && Math.ceilDiv(end, blockSize) > blocksEnd) {
            throw new IllegalArgumentException("positions up to " + end + " need " + Math.ceilDiv(end, blockSize)
                    + " blocks, but the block table names " + blocksEnd);
        }
    }

    /**
     * Makes room for positions {@code [start, end)}: forgets positions from {@code start} on and, if the cache takes its
     * own blocks, drops the blocks no query from {@code start} on can see and takes the blocks the new positions need.
     * {@link #commit} follows once they are written.
     */
    void prepare(int start, int end) {
        checkStep(start, end);
        truncate(start);
        if (!ownsBlocks) {
            for (int b = start / blockSize; b < Math.ceilDiv(end, blockSize); b++) pool.block(table[b]); // memory before the workers read it
            return;
        }
        if (window > 0) {
            int keep = firstVisible(start) / blockSize;
            for (int b = firstKeptBlock; b < keep; b++) drop(b);
            firstKeptBlock = Math.max(firstKeptBlock, keep);
        }
        for (int b = start / blockSize; b < Math.ceilDiv(end, blockSize); b++) {
            if (table[b] == NO_BLOCK) {
                table[b] = pool.allocate();
                heldBlocks++;
                blocksEnd = Math.max(blocksEnd, b + 1);
            }
        }
    }

    /** Marks positions up to {@code end} as written. */
    void commit(int end) {
        length = end;
    }

    /** The first position a query at {@code pos} attends to. */
    int firstVisible(int pos) {
        return window > 0 ? Math.max(0, pos - window + 1) : 0;
    }

    int blockSize() {
        return blockSize;
    }

    /** Stores the key and value rows ({@code kvDim} values each) of {@code pos} in {@code layer}. */
    void write(int layer, int pos, float[] k, int kOffset, float[] v, int vOffset) {
        pool.layout().write(pool.block(table[pos / blockSize]), layer, pos % blockSize, k, kOffset, v, vOffset);
    }

    /**
     * Decodes the keys of {@code kvHead} at positions {@code [pos, pos + count)}, which lie in one block, transposed:
     * value d of position pos + j at {@code dst[d * stride + j]}.
     */
    void readKeys(int layer, int kvHead, int pos, int count, float[] dst, int stride, KvBlockLayout.Scratch scratch) {
        pool.layout().readKeys(pool.block(table[pos / blockSize]), layer, kvHead, pos % blockSize, count, dst, stride, scratch);
    }

    /** Decodes the values of {@code kvHead} at positions {@code [pos, pos + count)} position after position. */
    void readValues(int layer, int kvHead, int pos, int count, float[] dst, KvBlockLayout.Scratch scratch) {
        pool.layout().readValues(pool.block(table[pos / blockSize]), layer, kvHead, pos % blockSize, count, dst, scratch);
    }

    private void drop(int b) {
        if (table[b] == NO_BLOCK) return;
        pool.free(table[b]);
        table[b] = NO_BLOCK;
        heldBlocks--;
    }
}
