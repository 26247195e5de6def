package dev.jllm.api;

import java.util.List;
import java.util.Objects;

/**
 * A chat completion: the assistant's text, why generation stopped ({@code stop}, {@code length}), and, when the
 * request asked for them and the model gives them, the log-probability of each generated token (else empty).
 */
public record ChatResponse(String content, String finishReason, List<TokenLogprob> logprobs) {
    public ChatResponse {
        Objects.requireNonNull(content, "chat response content");
        logprobs = logprobs == null ? List.of() : List.copyOf(logprobs);
    }

    public static ChatResponse of(String content) {
        return new ChatResponse(content, "stop", List.of());
    }
}
