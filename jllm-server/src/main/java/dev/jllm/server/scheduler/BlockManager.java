package dev.jllm.server.scheduler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The paged KV cache's bookkeeping (vLLM's block manager): the cache is a pool of {@code totalBlocks} blocks of
 * {@code blockSize} token slots each; every sequence has a block table naming the blocks that hold its tokens in
 * order. Knows nothing of tensors: a model runner reads the tables and does the copies this class asks for.
 *
 * <p>Automatic prefix caching: once a full block has been computed it is registered under the hash of its whole
 * token prefix ({@link BlockHash}), so a later sequence with the same prefix (a shared system prompt) takes the
 * block instead of recomputing it. Blocks are reference-counted; a block whose count drops to zero stays cached but
 * becomes evictable, and evictable blocks are reused least recently freed first, and only when no never-cached free
 * block is left. Shared blocks are read-only: a sequence about to write into a shared, partly filled last block
 * (after {@link #fork}) first gets its own copy (copy-on-write, reported by {@link #drainCopies}).
 *
 * <p>Not thread-safe: one scheduler thread owns it.
 */
public final class BlockManager {
    private final int blockSize;
    private final int totalBlocks;
    private final boolean prefixCaching;
    private final int[] refCount;
    private final BlockHash[] hashOf;
    private final Map<BlockHash, Integer> cached = new HashMap<>();
    /** Free blocks that hold nothing reusable. */
    private final ArrayDeque<Integer> empty = new ArrayDeque<>();
    /** Free blocks still registered in the prefix cache, least recently freed first. */
    private final LinkedHashSet<Integer> evictable = new LinkedHashSet<>();
    private final Map<Long, Table> tables = new HashMap<>();
    private final List<BlockCopy> copies = new ArrayList<>();
    private long queriedTokens;
    private long hitTokens;

    /** One sequence's block table: its blocks, how many token slots they are reserved for, how many are hashed. */
    private static final class Table {
        int[] blocks = new int[8];
        int size;
        int slots;
        int hashedBlocks;
        BlockHash lastHash;

        Table copy() {
            Table t = new Table();
            t.blocks = blocks.clone();
            t.size = size;
            t.slots = slots;
            t.hashedBlocks = hashedBlocks;
            t.lastHash = lastHash;
            return t;
        }

        void add(int block) {
            if (size == blocks.length) blocks = Arrays.copyOf(blocks, size * 2);
            blocks[size++] = block;
        }
    }

    public BlockManager(int totalBlocks, int blockSize, boolean prefixCaching) {
        if (totalBlocks <= 0) throw new IllegalArgumentException("the KV cache needs at least one block, got " + totalBlocks);
        if (blockSize <= 0) throw new IllegalArgumentException("block size must be positive, got " + blockSize);
        this.blockSize = blockSize;
        this.totalBlocks = totalBlocks;
        this.prefixCaching = prefixCaching;
        this.refCount = new int[totalBlocks];
        this.hashOf = new BlockHash[totalBlocks];
        for (int b = 0; b < totalBlocks; b++) empty.add(b);
    }

    public int blockSize() {
        return blockSize;
    }

    public int totalBlocks() {
        return totalBlocks;
    }

    /** Blocks that an allocation may take: empty ones and evictable cached ones. */
    public int freeBlocks() {
        return empty.size() + evictable.size();
    }

    /** Blocks referenced by at least one sequence. */
    public int usedBlocks() {
        return totalBlocks - freeBlocks();
    }

    /** Blocks registered in the prefix cache, in use or evictable. */
    public int cachedBlocks() {
        return cached.size();
    }

    /** Prompt tokens looked up in the prefix cache by {@link #allocate} so far. */
    public long queriedTokens() {
        return queriedTokens;
    }

    /** Of {@link #queriedTokens}, those found cached. */
    public long hitTokens() {
        return hitTokens;
    }

    public boolean hasTable(long sequence) {
        return tables.containsKey(sequence);
    }

    /** The blocks holding the sequence's tokens, in order. */
    public int[] blockTable(long sequence) {
        Table t = table(sequence);
        return Arrays.copyOf(t.blocks, t.size);
    }

    /**
     * The leading full blocks of {@code tokens[0, length)} found in the prefix cache. The block holding the last token
     * is never matched: its logits are needed, so at least that token is computed.
     */
    public PrefixMatch matchPrefix(int[] tokens, int length) {
        if (!prefixCaching) return new PrefixMatch(new int[0], List.of(), blockSize);
        int candidates = (length - 1) / blockSize;
        int[] blocks = new int[candidates];
        List<BlockHash> hashes = new ArrayList<>();
        BlockHash parent = null;
        int n = 0;
        while (n < candidates) {
            BlockHash h = BlockHash.of(parent, tokens, n * blockSize, blockSize);
            Integer b = cached.get(h);
            if (b == null) break;
            blocks[n++] = b;
            hashes.add(h);
            parent = h;
        }
        return new PrefixMatch(Arrays.copyOf(blocks, n), hashes, blockSize);
    }

    /**
     * Gives a new sequence a block table: the matched cached blocks, then fresh blocks up to {@code slots} token slots.
     *
     * @return false, changing nothing, when the free pool is too small
     */
    public boolean allocate(long sequence, PrefixMatch match, int promptLength, int slots) {
        if (tables.containsKey(sequence)) throw new IllegalStateException("sequence " + sequence + " already has blocks");
        if (slots < match.tokens()) throw new IllegalArgumentException("slots " + slots + " < cached tokens " + match.tokens());
        int reusedFree = 0;
        for (int b : match.blocks()) if (refCount[b] == 0) reusedFree++;
        int fresh = blocksFor(slots) - match.blocks().length;
        if (fresh > freeBlocks() - reusedFree) return false;
        Table t = new Table();
        for (int b : match.blocks()) {
            if (refCount[b]++ == 0) evictable.remove(b);
            t.add(b);
        }
        for (int i = 0; i < fresh; i++) t.add(take());
        t.slots = slots;
        t.hashedBlocks = match.blocks().length;
        t.lastHash = match.hashes().isEmpty() ? null : match.hashes().getLast();
        tables.put(sequence, t);
        queriedTokens += promptLength;
        hitTokens += match.tokens();
        return true;
    }

    /**
     * Reserves slots up to {@code slots} tokens for a sequence that has a table, copying a shared last block first
     * if the new tokens would be written into it.
     *
     * @return false, changing nothing, when the free pool is too small
     */
    public boolean appendSlots(long sequence, int slots) {
        Table t = table(sequence);
        if (slots <= t.slots) return true;
        int fresh = blocksFor(slots) - t.size;
        boolean copyLast = t.slots % blockSize != 0 && refCount[t.blocks[t.size - 1]] > 1;
        if (fresh + (copyLast ? 1 : 0) > freeBlocks()) return false;
        if (copyLast) {
            int shared = t.blocks[t.size - 1];
            int own = take();
            copies.add(new BlockCopy(shared, own));
            refCount[shared]--; // others still hold it, so it stays in use
            t.blocks[t.size - 1] = own;
        }
        for (int i = 0; i < fresh; i++) t.add(take());
        t.slots = slots;
        return true;
    }

    /**
     * Registers the sequence's full blocks among its first {@code computed} tokens in the prefix cache, now that their
     * keys and values exist. A block whose prefix another block already holds stays unregistered.
     */
    public void markComputed(long sequence, int[] tokens, int computed) {
        if (!prefixCaching) return;
        Table t = table(sequence);
        while ((t.hashedBlocks + 1) * blockSize <= Math.min(computed, t.slots)) {
            int i = t.hashedBlocks;
            BlockHash h = BlockHash.of(t.lastHash, tokens, i * blockSize, blockSize);
            int b = t.blocks[i];
            if (hashOf[b] == null && !cached.containsKey(h)) {
                hashOf[b] = h;
                cached.put(h, b);
            }
            t.hashedBlocks++;
            t.lastHash = h;
        }
    }

    /** Gives {@code child} the same blocks as {@code parent} (both then share them, read-only). */
    public void fork(long parent, long child) {
        if (tables.containsKey(child)) throw new IllegalStateException("sequence " + child + " already has blocks");
        Table t = table(parent).copy();
        for (int i = 0; i < t.size; i++) refCount[t.blocks[i]]++;
        tables.put(child, t);
    }

    /** Releases the sequence's blocks; a cached block stays reusable until evicted. Unknown sequences are ignored. */
    public void free(long sequence) {
        Table t = tables.remove(sequence);
        if (t == null) return;
        // the tail first, so that a prefix's later blocks are evicted before its head (a lookup stops at the first miss)
        for (int i = t.size - 1; i >= 0; i--) {
            int b = t.blocks[i];
            if (--refCount[b] > 0) continue;
            if (hashOf[b] != null) evictable.add(b);
            else empty.add(b);
        }
    }

    /** The copy-on-write copies asked for since the last call. */
    public List<BlockCopy> drainCopies() {
        List<BlockCopy> out = List.copyOf(copies);
        copies.clear();
        return out;
    }

    /** Checks every internal invariant (for tests): each block is exactly once in use, empty or evictable. */
    void checkConsistency() {
        int[] refs = new int[totalBlocks];
        for (Table t : tables.values()) {
            if (t.size != blocksFor(t.slots)) throw new AssertionError("table of " + t.size + " blocks for " + t.slots + " slots");
            for (int i = 0; i < t.size; i++) refs[t.blocks[i]]++;
        }
        if (!Arrays.equals(refs, refCount)) throw new AssertionError("reference counts differ from the block tables");
        for (int b = 0; b < totalBlocks; b++) {
            int places = (refCount[b] > 0 ? 1 : 0) + (empty.contains(b) ? 1 : 0) + (evictable.contains(b) ? 1 : 0);
            if (places != 1) throw new AssertionError("block " + b + " is in " + places + " places");
            if (evictable.contains(b) && hashOf[b] == null) throw new AssertionError("evictable block " + b + " has no hash");
            if (empty.contains(b) && hashOf[b] != null) throw new AssertionError("empty block " + b + " has a hash");
            if (hashOf[b] != null && cached.get(hashOf[b]) != b) throw new AssertionError("block " + b + " not under its hash");
        }
        if (cached.size() != Arrays.stream(hashOf).filter(h -> h != null).count()) throw new AssertionError("stale cache entries");
    }

    private int take() {
        Integer b = empty.poll();
        if (b == null) {
            Iterator<Integer> lru = evictable.iterator();
            b = lru.next();
            lru.remove();
            cached.remove(hashOf[b]);
            hashOf[b] = null;
        }
        refCount[b] = 1;
        return b;
    }

    private int blocksFor(int slots) {
        return (slots + blockSize - 1) / blockSize;
    }

    private Table table(long sequence) {
        Table t = tables.get(sequence);
        if (t == null) throw new IllegalStateException("sequence " + sequence + " has no blocks");
        return t;
    }
}
