package dev.jllm.cli.rag;

import dev.jllm.api.EmbeddingModel;
import dev.jllm.rag.embed.EmbeddingModels;
import dev.jllm.rag.rerank.DenseReranker;
import dev.jllm.rag.rerank.Reranker;
import dev.jllm.rag.retrieve.ConvexFusion;
import dev.jllm.rag.retrieve.Fusion;
import dev.jllm.rag.retrieve.HybridRetriever;
import dev.jllm.rag.retrieve.MaximalMarginalRelevance;
import dev.jllm.rag.retrieve.ReciprocalRankFusion;
import dev.jllm.rag.retrieve.SearchMode;
import dev.jllm.rag.retrieve.SearchPipeline;
import dev.jllm.rag.store.EmbeddingStore;
import dev.jllm.rag.store.Filter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** How a search runs: mode, fusion, reranking, diversity, filters. */
final class SearchOptions {
    /**
     * The convex-fusion weight of the dense ranking: the best of 0.2 to 0.8 on SciFact's train split (809 queries),
     * where convex fusion also beat RRF (see the README).
     */
    static final double DEFAULT_ALPHA = 0.5;

    @Option(names = "--mode", paramLabel = "MODE", description = "bm25, dense or hybrid (default: hybrid, or bm25 on a text-only index)")
    String mode;

    @Option(names = "--fusion", paramLabel = "NAME", description = "How hybrid search merges BM25 and dense: convex or rrf (default ${DEFAULT-VALUE})")
    String fusion = "convex";

    @Option(names = "--rrf-k", paramLabel = "K", description = "RRF's rank constant (default ${DEFAULT-VALUE})")
    int rrfK = ReciprocalRankFusion.DEFAULT_K;

    @Option(names = "--alpha", paramLabel = "W", description = "Convex fusion: weight of the dense scores, 0..1 (default ${DEFAULT-VALUE})")
    double alpha = DEFAULT_ALPHA;

    @Option(names = "--candidates", paramLabel = "N", description = "Chunks each side of a hybrid search contributes (default ${DEFAULT-VALUE})")
    int candidates = HybridRetriever.DEFAULT_CANDIDATES;

    @Option(names = "--rerank", paramLabel = "NAME",
            description = "none, dense (exact cosine with the index's model) or dense:MODEL (re-embed with another model, e.g. dense:bge-small) (default ${DEFAULT-VALUE})")
    String rerank = "none";

    @Option(names = "--rerank-depth", paramLabel = "N", description = "How many retrieved chunks the reranker sees (default ${DEFAULT-VALUE})")
    int rerankDepth = 50;

    @Option(names = "--mmr", paramLabel = "LAMBDA", description = "Diversify with maximal marginal relevance (1: relevance only, 0: diversity only)")
    Double mmrLambda;

    @Option(names = "--filter", paramLabel = "KEY=VALUE",
            description = "Only chunks whose metadata match: key=value, key=a|b, key!=value; several separated by commas (keys: type, page, headings, source, document_id)")
    String filter;

    SearchMode mode(EmbeddingModel model) {
        if (mode == null) return model == null ? SearchMode.BM25 : SearchMode.HYBRID;
        return SearchMode.parse(mode);
    }

    Fusion fusion() {
        return switch (fusion) {
            case "rrf" -> new ReciprocalRankFusion(rrfK);
            case "convex" -> ConvexFusion.lexicalDense(alpha);
            default -> throw new IllegalArgumentException("unknown fusion '" + fusion + "'; choose rrf or convex");
        };
    }

    Filter filter() {
        return filter == null ? null : Filter.parse(filter);
    }

    /** Models this search loaded beyond the index's own (a reranker's), to close afterwards. */
    final List<EmbeddingModel> extraModels = new ArrayList<>();

    Reranker reranker(EmbeddingModel indexModel) {
        if (rerank.equals("none")) return null;
        if (rerank.equals("dense")) {
            if (indexModel == null) throw new IllegalArgumentException("--rerank dense needs an index with embeddings; use dense:MODEL");
            return new DenseReranker(indexModel, indexModel.name());
        }
        if (rerank.startsWith("dense:")) {
            EmbeddingModel model = EmbeddingModels.load(rerank.substring("dense:".length()));
            extraModels.add(model);
            return new DenseReranker(model, indexModel == null ? "" : indexModel.name());
        }
        throw new IllegalArgumentException("unknown reranker '" + rerank + "'; choose none, dense or dense:MODEL (the LLM reranker comes with jllm rag ask -m)");
    }

    SearchPipeline pipeline(EmbeddingStore store, EmbeddingModel model, Reranker reranker) {
        if (rerankDepth < 1) throw new IllegalArgumentException("--rerank-depth must be at least 1, got " + rerankDepth);
        return SearchPipeline.of(store, model, mode(model), fusion(), candidates, reranker, rerankDepth,
                mmrLambda == null ? null : new MaximalMarginalRelevance(mmrLambda));
    }

    String describe(EmbeddingModel model) {
        SearchMode m = mode(model);
        String s = m.toString();
        if (m == SearchMode.HYBRID) s += fusion.equals("rrf") ? " (RRF k=" + rrfK + ")" : " (convex, dense weight " + alpha + ")";
        if (!rerank.equals("none")) s += ", rerank " + rerank + " top " + rerankDepth;
        if (mmrLambda != null) s += ", MMR lambda " + mmrLambda;
        return s;
    }

    void close() {
        extraModels.forEach(EmbeddingChoice::close);
    }
}
