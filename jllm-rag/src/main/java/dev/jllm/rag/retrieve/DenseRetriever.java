package dev.jllm.rag.retrieve;

import dev.jllm.api.EmbeddingModel;
import dev.jllm.rag.store.EmbeddingStore;
import dev.jllm.rag.store.Filter;
import dev.jllm.rag.store.ScoredChunk;
import java.util.List;

/** Nearest neighbours of the query's embedding (scores are cosine similarities). */
public final class DenseRetriever implements Retriever {
    private final EmbeddingStore store;
    private final EmbeddingModel model;

    public DenseRetriever(EmbeddingStore store, EmbeddingModel model) {
        if (!store.settings().hasVectors()) throw new IllegalArgumentException("the index holds no embeddings; dense search needs an index built with an embedding model");
        if (!store.settings().embeddingModel().equals(model.name())) {
            throw new IllegalArgumentException("the index holds embeddings of " + store.settings().embeddingModel()
                    + ", not of " + model.name() + "; query it with the same model");
        }
        this.store = store;
        this.model = model;
    }

    @Override
    public List<ScoredChunk> retrieve(String query, int k, Filter filter) {
        return store.vectorSearch(Vectors.unit(model.embedQuery(query)), k, filter);
    }
}
