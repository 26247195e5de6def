package dev.jllm.server.scheduler;

/**
 * Limits of one scheduling step.
 *
 * @param maxRunning     the most sequences in the running set (the batch size of a decode step)
 * @param maxStepTokens  the token budget of one step: decode tokens plus prefill chunks; a longer prompt is split
 *                       over several steps, interleaved with the running sequences' decode tokens
 * @param maxSequenceLength the most tokens one sequence may hold (the context size)
 */
public record SchedulerConfig(int maxRunning, int maxStepTokens, int maxSequenceLength) {
    public SchedulerConfig {
        if (maxRunning < 1) throw new IllegalArgumentException("the running set must allow at least one sequence, got " + maxRunning);
        if (maxStepTokens < 1) throw new IllegalArgumentException("the step token budget must be positive, got " + maxStepTokens);
        if (maxSequenceLength < 1) throw new IllegalArgumentException("the sequence length limit must be positive, got " + maxSequenceLength);
    }
}
