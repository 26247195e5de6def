package dev.jllm.rag.retrieve;

import dev.jllm.rag.store.EmbeddingStore;
import dev.jllm.rag.store.Filter;
import dev.jllm.rag.store.ScoredChunk;
import java.util.List;

/** BM25 over the store's text. */
public record LexicalRetriever(EmbeddingStore store) implements Retriever {
    @Override
    public List<ScoredChunk> retrieve(String query, int k, Filter filter) {
        return store.lexicalSearch(query, k, filter);
    }
}
