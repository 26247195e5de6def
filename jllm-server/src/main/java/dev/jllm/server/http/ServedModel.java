package dev.jllm.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jllm.api.ChatMessage;
import dev.jllm.engine.model.Model;
import dev.jllm.engine.tokenizer.Tokenizer;
import dev.jllm.server.serving.ServingEngine;
import dev.jllm.template.ChatTemplate;
import dev.jllm.template.ChatTemplateException;
import java.util.List;

/**
 * The model a server answers for: its public name, tokenizer and chat template (turning requests into prompt
 * tokens), and the serving engine that runs it.
 */
public final class ServedModel {
    private final String name;
    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final ServingEngine engine;

    public ServedModel(String name, Tokenizer tokenizer, ChatTemplate template, ServingEngine engine) {
        this.name = name;
        this.tokenizer = tokenizer;
        this.template = template;
        this.engine = engine;
    }

    /** The chat template a model's requests are rendered with: its own, else the built-in format llama.cpp would use. */
    public static ChatTemplate templateOf(Model model) {
        Tokenizer tok = model.tokenizer();
        String source = model.chatTemplate();
        if (source == null) return ChatTemplate.fallback(null);
        try {
            return ChatTemplate.of(source, tok.bosId() >= 0 ? tok.tokenText(tok.bosId()) : "",
                    tok.eosId() >= 0 ? tok.tokenText(tok.eosId()) : "");
        } catch (ChatTemplateException e) {
            return ChatTemplate.fallback(source);
        }
    }

    public String name() {
        return name;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public ChatTemplate template() {
        return template;
    }

    public ServingEngine engine() {
        return engine;
    }

    /** The conversation rendered through the chat template, with a generation prompt, as tokens. */
    int[] chatPrompt(List<ChatMessage> messages) {
        String prompt;
        try {
            prompt = template.render(messages, true);
        } catch (ChatTemplateException e) {
            throw ApiError.invalid("messages", "the chat template rejected the messages: " + e.getMessage());
        }
        String bos = tokenizer.bosId() >= 0 ? tokenizer.tokenText(tokenizer.bosId()) : "";
        // templates that write BOS themselves get no second one
        boolean addBos = bos.isEmpty() || !prompt.startsWith(bos);
        return tokenizer.encode(prompt, addBos, true);
    }

    /** A completion prompt: a string, a one-element array of a string, or an array of token ids. */
    int[] textPrompt(JsonNode prompt) {
        if (prompt == null) throw ApiError.invalid("prompt", "'prompt' is required");
        if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) prompt = prompt.get(0);
        if (prompt.isTextual()) {
            int[] ids = tokenizer.encode(prompt.asText(), true, true);
            if (ids.length == 0) throw ApiError.invalid("prompt", "the prompt has no tokens");
            return ids;
        }
        if (prompt.isArray() && !prompt.isEmpty() && prompt.get(0).isIntegralNumber()) {
            int[] ids = new int[prompt.size()];
            for (int i = 0; i < ids.length; i++) {
                JsonNode t = prompt.get(i);
                if (!t.isIntegralNumber() || t.asLong() < 0 || t.asLong() >= tokenizer.vocabSize()) {
                    throw ApiError.invalid("prompt", "prompt token " + i + " is " + t + ", not a token id in [0, " + tokenizer.vocabSize() + ")");
                }
                ids[i] = t.asInt();
            }
            return ids;
        }
        if (prompt.isArray() && prompt.size() > 1) {
            throw ApiError.invalid("prompt", "several prompts in one request are not supported; send one request per prompt");
        }
        throw ApiError.invalid("prompt", "'prompt' must be a string or an array of token ids, got " + JsonBody.kind(prompt));
    }
}
