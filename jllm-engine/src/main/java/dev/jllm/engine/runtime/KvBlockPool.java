package dev.jllm.engine.runtime;

import dev.jllm.engine.model.ModelConfig;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.BitSet;

/**
 * Fixed-size blocks of KV storage shared by any number of sequences, as vLLM's block manager keeps them: a block holds
 * the keys and values of {@code blockSize} consecutive positions of one sequence for every layer, and each sequence
 * ({@link KvCache}) maps its positions to blocks through its own block table. Blocks are allocated off-heap when first
 * needed, so the memory taken is what the most blocks ever held at once need (at most {@code maxBlocks}); a freed
 * block is reused before a new one is allocated.
 *
 * <p>Inside a block, layer after layer, the keys and values lie as {@link KvBlockLayout} places them.
 *
 * <p>{@link #allocate} and {@link #free} may be called from any thread.
 */
public final class KvBlockPool {
    /** Positions per block unless told otherwise (vLLM's default too). */
    public static final int DEFAULT_BLOCK_SIZE = 16;

    private final ModelConfig config;
    private final KvType type;
    private final int blockSize;
    private final int maxBlocks;
    private final KvBlockLayout layout;
    private final long blockBytes;
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment[] blocks;
    private final BitSet inUse = new BitSet();
    private final int[] freeList;
    private int freeCount;
    private int created;

    /**
     * A pool for sequences of a model with {@code config}'s layers and KV width.
     *
     * @param blockSize positions per block
     * @param maxBlocks the most blocks that can be held at once
     */
    public KvBlockPool(ModelConfig config, KvType type, int blockSize, int maxBlocks) {
        if (blockSize < 1) throw new IllegalArgumentException("KV block size must be positive, got " + blockSize);
        if (maxBlocks < 1) throw new IllegalArgumentException("a KV block pool needs at least one block, got " + maxBlocks);
        this.config = config;
        this.type = type;
        this.blockSize = blockSize;
        this.maxBlocks = maxBlocks;
        this.layout = new KvBlockLayout(type, blockSize, config.kvHeads(), config.headDim());
        this.blockBytes = config.layers() * layout.layerBytes();
        this.blocks = new MemorySegment[maxBlocks];
        this.freeList = new int[maxBlocks];
    }

    public ModelConfig config() {
        return config;
    }

    public KvType type() {
        return type;
    }

    public int blockSize() {
        return blockSize;
    }

    public int maxBlocks() {
        return maxBlocks;
    }

    /** Bytes of one block (all layers, keys and values). */
    public long blockBytes() {
        return blockBytes;
    }

    /** Takes a block; its contents are whatever its last holder left. */
    public synchronized int allocate() {
        int block;
        if (freeCount > 0) {
            block = freeList[--freeCount];
        } else if (created < maxBlocks) {
            block = created;
            blocks[block] = arena.allocate(blockBytes, 64);
            created++;
        } else {
            throw new IllegalStateException("the KV cache pool is full: all " + maxBlocks + " blocks of " + blockSize
                    + " positions are held (free blocks before asking for more, or make the pool larger)");
        }
        inUse.set(block);
        return block;
    }

    /** Gives back a block taken by {@link #allocate}. */
    public synchronized void free(int block) {
        if (block < 0 || block >= created || !inUse.get(block)) {
            throw new IllegalArgumentException("KV block " + block + " is not held (double free, or a block of another pool)");
        }
        inUse.clear(block);
        freeList[freeCount++] = block;
    }

    /** Blocks that {@link #allocate} can still hand out. */
    public synchronized int freeBlocks() {
        return freeCount + maxBlocks - created;
    }

    /** Blocks held by sequences now. */
    public synchronized int usedBlocks() {
        return created - freeCount;
    }

    /** Off-heap bytes this pool has allocated: the most blocks it ever held at once, times {@link #blockBytes}. */
    public synchronized long allocatedBytes() {
        return created * blockBytes;
    }

    KvBlockLayout layout() {
        return layout;
    }

    MemorySegment block(int block) {
        return blocks[block];
    }
}
