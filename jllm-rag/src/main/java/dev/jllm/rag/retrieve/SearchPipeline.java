package dev.jllm.rag.retrieve;

import dev.jllm.api.EmbeddingModel;
import dev.jllm.rag.rerank.Reranker;
import dev.jllm.rag.store.EmbeddingStore;
import dev.jllm.rag.store.Filter;
import dev.jllm.rag.store.ScoredChunk;
import java.util.List;

/**
 * The whole search: retrieval (BM25, dense or hybrid), then optionally a reranker over the top
 * {@code rerankDepth} candidates, then optionally MMR over what is left, cut to {@code k}.
 */
public final class SearchPipeline implements Retriever {
    private final Retriever retriever;
    private final EmbeddingModel embeddings;
    private final Reranker reranker;
    private final int rerankDepth;
    private final MaximalMarginalRelevance mmr;

    private SearchPipeline(Retriever retriever, EmbeddingModel embeddings, Reranker reranker, int rerankDepth, MaximalMarginalRelevance mmr) {
        this.retriever = retriever;
        this.embeddings = embeddings;
        this.reranker = reranker;
        this.rerankDepth = rerankDepth;
        this.mmr = mmr;
    }

    /**
     * @param embeddings the index's embedding model (null for BM25 over a text-only index)
     * @param fusion     how hybrid search merges its two rankings
     * @param candidates how many chunks each side of a hybrid search contributes
     * @param reranker   null for none
     * @param mmr        null for none (needs an index with embeddings)
     */
    public static SearchPipeline of(EmbeddingStore store, EmbeddingModel embeddings, SearchMode mode, Fusion fusion, int candidates,
                                    Reranker reranker, int rerankDepth, MaximalMarginalRelevance mmr) {
        if (mode != SearchMode.BM25 && embeddings == null) throw new IllegalArgumentException(mode + " search needs an embedding model");
        if (mmr != null && embeddings == null) throw new IllegalArgumentException("MMR needs an index with embeddings");
        Retriever retriever = switch (mode) {
            case BM25 -> new LexicalRetriever(store);
            case DENSE -> new DenseRetriever(store, embeddings);
            case HYBRID -> new HybridRetriever(new LexicalRetriever(store), new DenseRetriever(store, embeddings), fusion, candidates);
        };
        return new SearchPipeline(retriever, embeddings, reranker, rerankDepth, mmr);
    }

    @Override
    public List<ScoredChunk> retrieve(String query, int k, Filter filter) {
        int depth = Math.max(k, reranker != null || mmr != null ? rerankDepth : k);
        List<ScoredChunk> hits = retriever.retrieve(query, depth, filter);
        if (reranker != null) hits = reranker.rerank(query, hits.subList(0, Math.min(rerankDepth, hits.size())));
        if (mmr != null) hits = mmr.select(Vectors.unit(embeddings.embedQuery(query)), hits, k);
        return hits.size() > k ? hits.subList(0, k) : hits;
    }
}
