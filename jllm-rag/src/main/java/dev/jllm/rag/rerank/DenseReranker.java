package dev.jllm.rag.rerank;

import dev.jllm.api.EmbeddingModel;
import dev.jllm.rag.retrieve.Vectors;
import dev.jllm.rag.store.ScoredChunk;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The offline reranker: scores each candidate by the exact cosine between the query and the chunk under an
 * embedding model. With the index's own model it reads the stored vectors (an exact re-scoring of what fusion or
 * HNSW ranked approximately); with another model, a stronger one such as bge-small, it embeds the candidates anew.
 */
public final class DenseReranker implements Reranker {
    private final EmbeddingModel model;
    private final boolean storedVectors;

    /** @param indexModel the name of the model the store's vectors come from (they are used when it is {@code model}'s) */
    public DenseReranker(EmbeddingModel model, String indexModel) {
        this.model = model;
        this.storedVectors = model.name().equals(indexModel);
    }

    @Override
    public List<ScoredChunk> rerank(String query, List<ScoredChunk> candidates) {
        if (candidates.isEmpty()) return List.of();
        float[] q = Vectors.unit(model.embedQuery(query));
        List<float[]> vectors = storedVectors && candidates.stream().allMatch(c -> c.chunk().vector() != null)
                ? candidates.stream().map(c -> c.chunk().vector()).toList()
                : model.embedAll(candidates.stream().map(c -> c.chunk().embeddingText()).toList());
        List<ScoredChunk> out = new ArrayList<>(candidates.size());
        for (int i = 0; i < candidates.size(); i++) out.add(candidates.get(i).withScore(Vectors.dot(q, Vectors.unit(vectors.get(i)))));
        out.sort(Comparator.comparingDouble(ScoredChunk::score).reversed());
        return out;
    }
}
