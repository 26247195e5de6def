package dev.jllm.rag.retrieve;

import java.util.Locale;

/** Which retrieval runs: BM25 alone, the embedding alone, or both fused. */
public enum SearchMode {
    BM25, DENSE, HYBRID;

    public static SearchMode parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown search mode '" + s + "'; choose bm25, dense or hybrid");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
