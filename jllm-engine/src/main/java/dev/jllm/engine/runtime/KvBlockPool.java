package dev.jllm.engine.runtime;

import dev.jllm.engine.model.ModelConfig;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.BitSet;

/**
 * Fixed-size blocks of KV storage shared by any number of sequences, as vLLM's block manager keeps them: a block holds
 * the keys and values of {@code blockSize} consecutive positions of one sequence for every layer, and each sequence
 * ({@link KvCache}) maps its positions to blocks through its own block table. A block's memory is allocated off-heap
 * when the block is first used, so the pool takes what the blocks in use need, at most {@code maxBlocks} of them.
 *
 * <p>Block ids are handed out one of two ways, not both in one pool: by {@link #allocate} and {@link #free} (the
 * caches of {@link KvCache#KvCache(KvBlockPool, int)}, a freed block being reused before a new one is taken), or by a
 * caller's own block manager, which names ids {@code 0 .. maxBlocks-1} in the block tables it gives its caches
 * ({@link KvCache#withBlockTable}) and asks for {@link #copy copy-on-write copies}.
 *
 * <p>Inside a block, layer after layer, the keys and values lie as {@link KvBlockLayout} places them. The methods may be
 * called from any thread.
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
    /** Ids below this one have been handed out by allocate at least once. */
    private int created;
    /** Blocks whose memory exists. */
    private int materialized;
    private boolean idsFromCaller;

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
        if (idsFromCaller) throw new IllegalStateException("this KV pool's block ids are assigned by a caller's block manager");
        int block;
        if (freeCount > 0) {
            block = freeList[--freeCount];
        } else if (created < maxBlocks) {
            block = created++;
            materialize(block);
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

    /**
     * Off-heap bytes this pool has allocated: {@link #blockBytes} times the most blocks it ever held at once (or, with
     * ids from a caller, the distinct blocks used).
     */
    public synchronized long allocatedBytes() {
        return materialized * blockBytes;
    }

    /** Copies the keys and values of every layer from block {@code source} to block {@code target} (copy-on-write). */
    public void copy(int source, int target) {
        useIdsFromCaller(new int[] {source, target});
        MemorySegment.copy(block(source), 0, block(target), 0, blockBytes);
    }

    /** Marks this pool as one whose ids a caller assigns, and checks that {@code ids} are among them. */
    synchronized void useIdsFromCaller(int[] ids) {
        if (created > 0) throw new IllegalStateException("this KV pool hands out its blocks by allocate(); a block table cannot name them");
        for (int block : ids) {
            if (block < 0 || block >= maxBlocks) {
                throw new IllegalArgumentException("KV block " + block + " is outside the pool (blocks 0.." + (maxBlocks - 1) + ")");
            }
        }
        idsFromCaller = true;
    }

    KvBlockLayout layout() {
        return layout;
    }

    /** The memory of a block, allocated on first use. */
    MemorySegment block(int block) {
        MemorySegment segment = blocks[block];
        return segment != null ? segment : materialize(block);
    }

    private synchronized MemorySegment materialize(int block) {
        if (blocks[block] == null) {
            blocks[block] = arena.allocate(blockBytes, 64);
            materialized++;
        }
        return blocks[block];
    }
}
