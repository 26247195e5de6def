package dev.jllm.cli;

import dev.jllm.engine.model.Model;
import dev.jllm.engine.tokenizer.Tokenizer;
import dev.jllm.template.ChatTemplate;
import dev.jllm.template.ChatTemplateException;
import java.util.function.Consumer;

/** The chat template a model's file asks for, or a built-in one when it has none or its own does not parse. */
public final class ModelTemplates {
    private ModelTemplates() {}

    /** The model's template; {@code notes} hears why a built-in one was chosen instead. */
    public static ChatTemplate forModel(Model model, Consumer<String> notes) {
        Tokenizer tok = model.tokenizer();
        String source = model.chatTemplate();
        if (source == null) {
            notes.accept("the model has no chat template; using the built-in chatml format");
            return ChatTemplate.fallback(null);
        }
        try {
            return ChatTemplate.of(source, tok.bosId() >= 0 ? tok.tokenText(tok.bosId()) : "",
                    tok.eosId() >= 0 ? tok.tokenText(tok.eosId()) : "");
        } catch (ChatTemplateException e) {
            ChatTemplate fallback = ChatTemplate.fallback(source);
            notes.accept("the model's chat template does not parse (" + e.getMessage() + "); using " + fallback.name());
            return fallback;
        }
    }
}
