package dev.jllm.api;

import java.util.List;
import java.util.Objects;

/**
 * One generated token with its natural-log probability and the most likely alternatives at its position, as in
 * OpenAI's {@code logprobs.content[]} ({@code token}, {@code logprob}, {@code top_logprobs}).
 */
public record TokenLogprob(String token, double logprob, List<Alternative> topLogprobs) {
    public TokenLogprob {
        Objects.requireNonNull(token, "token");
        topLogprobs = topLogprobs == null ? List.of() : List.copyOf(topLogprobs);
    }

    /** A candidate token at a position and its log-probability. */
    public record Alternative(String token, double logprob) {
        public Alternative {
            Objects.requireNonNull(token, "token");
        }
    }
}
