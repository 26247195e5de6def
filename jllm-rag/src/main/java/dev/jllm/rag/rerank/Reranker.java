package dev.jllm.rag.rerank;

import dev.jllm.rag.store.ScoredChunk;
import java.util.List;

/** Re-orders retrieved chunks by a closer look at each against the query. */
@FunctionalInterface
public interface Reranker {
    /** The candidates, best first, scored by the reranker. */
    List<ScoredChunk> rerank(String query, List<ScoredChunk> candidates);
}
