package dev.jllm.rag.retrieve;

import dev.jllm.rag.store.Filter;
import dev.jllm.rag.store.ScoredChunk;
import java.util.List;

/**
 * Lexical and dense retrieval fused: each retriever returns {@code max(k, candidates)} chunks, the fusion merges
 * them (lexical ranking first, dense second), and the best {@code k} are kept.
 */
public record HybridRetriever(Retriever lexical, Retriever dense, Fusion fusion, int candidates) implements Retriever {
    public static final int DEFAULT_CANDIDATES = 100;

    @Override
    public List<ScoredChunk> retrieve(String query, int k, Filter filter) {
        int depth = Math.max(k, candidates);
        List<ScoredChunk> fused = fusion.fuse(List.of(lexical.retrieve(query, depth, filter), dense.retrieve(query, depth, filter)));
        return fused.size() > k ? fused.subList(0, k) : fused;
    }
}
