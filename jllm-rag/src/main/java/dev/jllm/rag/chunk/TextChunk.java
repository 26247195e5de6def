package dev.jllm.rag.chunk;

import java.util.Map;
import java.util.Objects;

/**
 * A piece of text a chunker cut, where it starts in the chunked text, and what the chunker knows about it
 * ({@code headings}: the markdown heading path).
 */
public record TextChunk(String text, int start, Map<String, String> metadata) {
    public TextChunk {
        Objects.requireNonNull(text);
        metadata = Map.copyOf(metadata);
    }

    static TextChunk of(String source, int start, int end) {
        return new TextChunk(source.substring(start, end), start, Map.of());
    }
}
