package dev.jllm.engine.runtime;

/** A sequence that would not fit the context window (KV cache) it was given. */
public class ContextOverflowException extends RuntimeException {
    public ContextOverflowException(int needed, int capacity) {
        super("the sequence needs " + needed + " positions but the context holds " + capacity
                + " (raise --ctx, up to the model's context length)");
    }
}
