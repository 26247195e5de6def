package dev.jllm.template;

import dev.jllm.api.ChatMessage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns a conversation into the prompt text a model was trained on, by rendering the model's Jinja chat template
 * the way Hugging Face transformers' {@code apply_chat_template} does.
 *
 * <p>The template sees {@code messages} (a list of {@code {role, content}}), {@code add_generation_prompt},
 * {@code bos_token}, {@code eos_token}, and any extra variables given to {@link #render(List, boolean, Map)}
 * ({@code tools}, {@code date_string}, {@code enable_thinking} ...), as transformers passes its keyword arguments.
 * Like transformers, the rendered text contains BOS when the template writes {@code bos_token}; tokenize it
 * without adding another. Instances are immutable and thread-safe.
 */
public final class ChatTemplate {
    private static final Set<String> RESERVED = Set.of("messages", "add_generation_prompt", "bos_token", "eos_token");

    private final String name;
    private final String source;
    private final String compiled;
    private final String bosToken;
    private final String eosToken;
    private final Clock clock;

    private ChatTemplate(String name, String source, String compiled, String bosToken, String eosToken, Clock clock) {
        this.name = name;
        this.source = source;
        this.compiled = compiled;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.clock = clock;
    }

    /**
     * A template from its Jinja source, as found in a GGUF's {@code tokenizer.chat_template} or a
     * {@code tokenizer_config.json}, with the text of the BOS and EOS tokens.
     *
     * @throws ChatTemplateException when the source does not parse
     */
    public static ChatTemplate of(String jinjaSource, String bosToken, String eosToken) {
        Objects.requireNonNull(jinjaSource, "chat template source");
        return new ChatTemplate("custom", jinjaSource, HuggingFaceJinja.compile(jinjaSource),
                Objects.requireNonNullElse(bosToken, ""),
                Objects.requireNonNullElse(eosToken, ""), Clock.systemDefaultZone());
    }

    /**
     * One of llama.cpp's built-in formats by name ({@link #builtinNames()}: chatml, llama2, llama3, zephyr,
     * mistral-v1/v3/v7, gemma, phi3 ...). Names llama.cpp resolves by prefix resolve the same way here:
     * {@code "mistral"} is the Mistral-Instruct {@code [INST]} format, llama2.
     *
     * @throws IllegalArgumentException for a name no built-in format answers to
     */
    public static ChatTemplate named(String name) {
        Objects.requireNonNull(name, "chat template name");
        String builtin = BuiltinTemplates.detect(name).filter(n -> name.equals(n) || name.startsWith("mistral"))
                .orElseThrow(() -> new IllegalArgumentException("unknown chat template name \"" + name
                        + "\"; built-in templates are " + String.join(", ", BuiltinTemplates.names())));
        return builtin(builtin);
    }

    /**
     * The built-in format llama.cpp would fall back to for a model: the one its template text resembles (by
     * llama.cpp's own tests on the text), or chatml when the model has no template or an unrecognized one.
     *
     * @param ggufTemplate the model's template source, or null when it has none
     */
    public static ChatTemplate fallback(String ggufTemplate) {
        if (ggufTemplate == null || ggufTemplate.isBlank()) return builtin("chatml");
        return builtin(BuiltinTemplates.detect(ggufTemplate).orElse("chatml"));
    }

    /** Names accepted by {@link #named}. */
    public static Set<String> builtinNames() {
        return BuiltinTemplates.names();
    }

    private static ChatTemplate builtin(String name) {
        String source = BuiltinTemplates.source(name).orElseThrow();
        return new ChatTemplate(name, source, HuggingFaceJinja.compile(source), "", "", Clock.systemDefaultZone());
    }

    /** The same template with {@code strftime_now} reading {@code clock} (for reproducible prompts). */
    public ChatTemplate withClock(Clock clock) {
        return new ChatTemplate(name, source, compiled, bosToken, eosToken, Objects.requireNonNull(clock, "clock"));
    }

    /** "custom" for a template given as source, otherwise the built-in name. */
    public String name() {
        return name;
    }

    public String source() {
        return source;
    }

    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return render(messages, addGenerationPrompt, Map.of());
    }

    /**
     * Renders the conversation.
     *
     * @param variables further template variables, as transformers' {@code **kwargs}; values are strings,
     *                  numbers, booleans, lists and maps (for example OpenAI-style {@code tools})
     * @throws ChatTemplateException when the template raises (for example on roles that do not alternate) or
     *                               uses something the engine cannot evaluate
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, Map<String, ?> variables) {
        Objects.requireNonNull(messages, "messages");
        Objects.requireNonNull(variables, "template variables");
        for (String key : variables.keySet()) {
            if (RESERVED.contains(key)) {
                throw new IllegalArgumentException("template variable \"" + key + "\" is set by the renderer itself");
            }
        }
        List<Map<String, Object>> turns = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            Map<String, Object> turn = new LinkedHashMap<>();
            turn.put("role", m.role());
            turn.put("content", m.content());
            turns.add(turn);
        }
        Map<String, Object> bindings = new LinkedHashMap<>(variables);
        bindings.put("messages", turns);
        bindings.put("add_generation_prompt", addGenerationPrompt);
        bindings.put("bos_token", bosToken);
        bindings.put("eos_token", eosToken);
        return HuggingFaceJinja.render(compiled, bindings, clock);
    }

    @Override
    public String toString() {
        return "ChatTemplate[" + name + "]";
    }
}
