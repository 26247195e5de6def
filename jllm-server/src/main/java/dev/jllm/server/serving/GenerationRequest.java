package dev.jllm.server.serving;

import dev.jllm.engine.runtime.Generator;

/**
 * One completion request as the serving engine takes it: tokens, not text.
 *
 * @param promptIds   the prompt's token ids (chat template applied, BOS included where the model wants it)
 * @param options     sampling, token limit, end-of-generation handling and stop strings, for every choice; with a
 *                    fixed seed, choice i samples with seed + i
 * @param choices     how many independent continuations (OpenAI's n); they share the prompt's computation
 * @param topLogprobs log-probabilities per generated token: -1 none, 0 the chosen token's, k also the k most likely
 * @param deadlineNanos {@link System#nanoTime()} after which the request is given up, or {@link Long#MAX_VALUE}
 */
public record GenerationRequest(int[] promptIds, Generator.Options options, int choices, int topLogprobs, long deadlineNanos) {
    public static final int MAX_TOP_LOGPROBS = 20;

    public GenerationRequest {
        if (promptIds.length == 0) throw new IllegalArgumentException("the prompt has no tokens");
        if (choices < 1) throw new IllegalArgumentException("choices must be at least 1, got " + choices);
        if (topLogprobs < -1 || topLogprobs > MAX_TOP_LOGPROBS) {
            throw new IllegalArgumentException("top logprobs must be in [-1, " + MAX_TOP_LOGPROBS + "], got " + topLogprobs);
        }
        if (options.maxTokens() == 0) throw new IllegalArgumentException("the token limit must not be 0");
    }
}
