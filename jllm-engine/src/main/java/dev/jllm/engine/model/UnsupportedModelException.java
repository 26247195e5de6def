package dev.jllm.engine.model;

/** A GGUF file that is valid but describes a model jllm cannot run. */
public class UnsupportedModelException extends RuntimeException {
    public UnsupportedModelException(String message) {
        super(message);
    }
}
