package dev.jllm.server.serving;

/** An accepted request; {@link #cancel} (from any thread) stops it and frees its KV blocks at the next step. */
public interface RequestHandle {
    long id();

    void cancel();
}
