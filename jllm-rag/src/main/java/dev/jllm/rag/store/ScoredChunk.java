package dev.jllm.rag.store;

/** A search hit: a chunk and its score (BM25 for lexical search, cosine similarity for vector search). */
public record ScoredChunk(Chunk chunk, double score) {
    public ScoredChunk withScore(double s) {
        return new ScoredChunk(chunk, s);
    }
}
