package dev.jllm.rag.chunk;

import java.util.List;

/**
 * Splits a document's text into the pieces that are embedded and retrieved. Every chunk's text is a stretch of the
 * input, unchanged (so citations quote the source exactly), and no chunk is blank.
 */
public interface Chunker {
    /** The name this chunker is chosen by ({@link Chunkers#create}). */
    String name();

    List<TextChunk> chunk(String text);
}
