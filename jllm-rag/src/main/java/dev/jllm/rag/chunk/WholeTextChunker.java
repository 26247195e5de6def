package dev.jllm.rag.chunk;

import java.util.List;

/**
 * The whole text as one chunk (short documents such as abstracts, and BEIR evaluations, which rank whole documents;
 * the embedding model reads as much of it as its limit allows).
 */
public final class WholeTextChunker implements Chunker {
    @Override
    public String name() {
        return "none";
    }

    @Override
    public List<TextChunk> chunk(String text) {
        Range r = new Range(0, text.length(), 0).strip(text);
        return r == null ? List.of() : List.of(TextChunk.of(text, r.start(), r.end()));
    }
}
