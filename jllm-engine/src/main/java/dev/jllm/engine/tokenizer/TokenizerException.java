package dev.jllm.engine.tokenizer;

/** A vocabulary that cannot be used, or text that cannot be tokenized with it; the message says which and why. */
public final class TokenizerException extends RuntimeException {
    public TokenizerException(String message) {
        super(message);
    }
}
