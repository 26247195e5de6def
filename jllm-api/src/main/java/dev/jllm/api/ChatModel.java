package dev.jllm.api;

/** A chat completion model: the local engine or any OpenAI-compatible endpoint. */
@FunctionalInterface
public interface ChatModel {
    ChatResponse chat(ChatRequest request);
}
