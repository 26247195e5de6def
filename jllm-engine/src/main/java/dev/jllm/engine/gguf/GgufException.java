package dev.jllm.engine.gguf;

/** A GGUF file that cannot be read: names the file and what is wrong with it. */
public class GgufException extends RuntimeException {
    public GgufException(String message) {
        super(message);
    }

    public GgufException(String message, Throwable cause) {
        super(message, cause);
    }
}
