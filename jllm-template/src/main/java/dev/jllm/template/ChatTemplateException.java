package dev.jllm.template;

/**
 * A chat template could not be parsed or rendered: a syntax error, a feature the engine lacks, or a
 * {@code raise_exception(...)} call in the template itself (for example "Conversation roles must alternate").
 */
public final class ChatTemplateException extends RuntimeException {
    public ChatTemplateException(String message) {
        super(message);
    }

    public ChatTemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
