package dev.jllm.server.scheduler;

import java.util.List;

/**
 * The leading full blocks of a token sequence that the prefix cache already holds, as found by
 * {@link BlockManager#matchPrefix}. Valid until the block manager next changes.
 */
public record PrefixMatch(int[] blocks, List<BlockHash> hashes, int blockSize) {
    public PrefixMatch {
        hashes = List.copyOf(hashes);
    }

    /** Tokens whose keys and values need not be computed. */
    public int tokens() {
        return blocks.length * blockSize;
    }
}
