package dev.jllm.rag.answer;

import dev.jllm.api.EmbeddingModel;
import dev.jllm.rag.retrieve.Vectors;
import dev.jllm.rag.store.ScoredChunk;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides which retrieved chunks are relevant enough to answer from: those whose embedding's cosine with the
 * question's is at least {@code minSimilarity}. Retrieval always returns its k best, relevant or not; this is what
 * lets the pipeline refuse instead of answering from unrelated text. Without an embedding model (a BM25-only index)
 * every chunk that matched a query term passes.
 */
public final class RelevanceGate {
    /** all-MiniLM-L6-v2 puts unrelated texts below ~0.2 and paraphrases above ~0.5. */
    public static final double DEFAULT_MIN_SIMILARITY = 0.3;

    private final EmbeddingModel model;
    private final double minSimilarity;

    public RelevanceGate(EmbeddingModel model, double minSimilarity) {
        if (minSimilarity < -1 || minSimilarity > 1) throw new IllegalArgumentException("minimum similarity must be in -1..1, got " + minSimilarity);
        this.model = model;
        this.minSimilarity = minSimilarity;
    }

    /** The hits that pass, in their order, each scored by its similarity to the question. */
    public List<ScoredChunk> relevant(String question, List<ScoredChunk> hits) {
        if (model == null || hits.isEmpty()) return hits;
        float[] q = Vectors.unit(model.embedQuery(question));
        List<float[]> vectors = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (ScoredChunk h : hits) if (h.chunk().vector() == null) missing.add(h.chunk().embeddingText());
        List<float[]> embedded = missing.isEmpty() ? List.of() : model.embedAll(missing);
        int next = 0;
        for (ScoredChunk h : hits) vectors.add(h.chunk().vector() != null ? h.chunk().vector() : embedded.get(next++));
        List<ScoredChunk> out = new ArrayList<>();
        for (int i = 0; i < hits.size(); i++) {
            double similarity = Vectors.dot(q, Vectors.unit(vectors.get(i)));
            if (similarity >= minSimilarity) out.add(hits.get(i).withScore(similarity));
        }
        return out;
    }
}
