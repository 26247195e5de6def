package dev.jllm.server.scheduler;

/**
 * The work of one sequence in one step: compute keys and values for {@code tokens[start, tokens.length)}, at those
 * positions, into the slots the block table names; the tokens before {@code start} are already in the cache. When
 * {@code wantsLogits} the chunk ends the sequence's known tokens, so the logits after its last token are needed to
 * sample the next one; otherwise it is part of a prompt split over several steps (chunked prefill).
 */
public record ScheduledChunk(long sequenceId, int[] tokens, int start, int[] blockTable, boolean wantsLogits) {
    public int end() {
        return tokens.length;
    }

    public int size() {
        return tokens.length - start;
    }
}
