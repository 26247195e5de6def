package dev.jllm.server.runner;

import dev.jllm.server.scheduler.ScheduledStep;
import java.util.Map;

/**
 * The model side of the serving loop (vLLM's model runner): runs the forward pass of a scheduled step. The scheduler
 * decides which tokens of which sequences are computed and in which KV blocks; the runner does the arithmetic.
 * Called from one engine thread only.
 */
public interface ModelRunner extends AutoCloseable {

    /** Length of every logits vector. */
    int vocabSize();

    /**
     * Runs one step: first the step's copy-on-write block copies, then one forward pass over every chunk (each
     * sequence's tokens {@code [start, end)} at those positions, after the cached tokens before {@code start}).
     *
     * @return the logits after the last token of every chunk that {@linkplain
     *         dev.jllm.server.scheduler.ScheduledChunk#wantsLogits wants them}, by sequence id; the arrays are the
     *         caller's (not reused by the runner)
     */
    Map<Long, float[]> execute(ScheduledStep step);

    /**
     * Forgets a sequence that finished, was cancelled or was preempted (its blocks are free again; a preempted one
     * comes back later from position 0). Unknown ids are ignored.
     */
    void release(long sequenceId);

    @Override
    void close();
}
