package dev.jllm.api;

import java.util.List;
import java.util.Objects;

/**
 * A chat completion request, shaped as OpenAI's {@code /v1/chat/completions}: the conversation, the most tokens to
 * generate ({@code max_tokens}, null: the model's limit), the {@code temperature} (null: the model's default), and
 * how many most likely alternatives to return with each generated token ({@code top_logprobs}; 0: no
 * log-probabilities).
 */
public record ChatRequest(List<ChatMessage> messages, Integer maxTokens, Double temperature, int topLogprobs) {
    public ChatRequest {
        messages = List.copyOf(Objects.requireNonNull(messages, "chat request messages"));
        if (messages.isEmpty()) throw new IllegalArgumentException("chat request has no messages");
        if (maxTokens != null && maxTokens < 1) throw new IllegalArgumentException("max_tokens must be at least 1, got " + maxTokens);
        if (temperature != null && temperature < 0) throw new IllegalArgumentException("temperature must not be negative, got " + temperature);
        if (topLogprobs < 0 || topLogprobs > 20) throw new IllegalArgumentException("top_logprobs must be 0..20, got " + topLogprobs);
    }

    public static ChatRequest of(List<ChatMessage> messages) {
        return new ChatRequest(messages, null, null, 0);
    }
}
