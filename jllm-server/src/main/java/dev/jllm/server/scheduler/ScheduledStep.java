package dev.jllm.server.scheduler;

import java.util.List;

/**
 * What one iteration of the engine does: before it, drop the state of the {@code preempted} sequences (their blocks
 * are already free; they will be recomputed) and perform the copy-on-write {@code copies}; then run one forward pass
 * over every chunk.
 */
public record ScheduledStep(List<ScheduledChunk> chunks, List<Long> preempted, List<BlockCopy> copies) {
    public ScheduledStep {
        chunks = List.copyOf(chunks);
        preempted = List.copyOf(preempted);
        copies = List.copyOf(copies);
    }

    public boolean isEmpty() {
        return chunks.isEmpty();
    }

    /** Tokens computed by this step, over all chunks. */
    public int tokens() {
        return chunks.stream().mapToInt(ScheduledChunk::size).sum();
    }
}
