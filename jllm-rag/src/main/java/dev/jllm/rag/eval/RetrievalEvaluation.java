package dev.jllm.rag.eval;

import dev.jllm.rag.ingest.Progress;
import dev.jllm.rag.retrieve.Retriever;
import dev.jllm.rag.store.ScoredChunk;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs every judged query through a retriever and scores the rankings as trec_eval would. Chunks are ranked, the
 * qrels judge documents: a document scores as its best chunk. Queries whose judgments hold no relevant document are
 * left out, as trec_eval leaves them out of its means.
 */
public final class RetrievalEvaluation {
    /** How many chunks each query retrieves (BEIR's and trec_eval's customary depth). */
    public static final int DEPTH = 1000;

    private RetrievalEvaluation() {}

    /** One query's metrics. */
    public record QueryResult(String queryId, RetrievalMetrics metrics) {}

    /** The mean metrics and each query's. */
    public record Result(RetrievalMetrics mean, List<QueryResult> perQuery, double seconds) {
        public int queries() {
            return perQuery.size();
        }
    }

    public static Result evaluate(Retriever retriever, Map<String, String> queries, Map<String, Map<String, Integer>> qrels,
                                  int depth, Progress progress) {
        List<String> ids = new ArrayList<>();
        for (var e : qrels.entrySet()) {
            if (RetrievalMetrics.relevantCount(e.getValue()) == 0) continue;
            if (!queries.containsKey(e.getKey())) throw new IllegalArgumentException("qrels judge query " + e.getKey() + ", which the queries file lacks");
            ids.add(e.getKey());
        }
        if (ids.isEmpty()) throw new IllegalArgumentException("the qrels hold no query with a relevant document");
        long started = System.nanoTime();
        progress.start(ids.size());
        List<QueryResult> results = new ArrayList<>();
        for (String id : ids) {
            Map<String, Double> run = documentScores(retriever.retrieve(queries.get(id), depth, null));
            results.add(new QueryResult(id, RetrievalMetrics.of(run, qrels.get(id))));
            progress.advance(results.size());
        }
        progress.finish();
        return new Result(RetrievalMetrics.mean(results.stream().map(QueryResult::metrics).toList()), results,
                (System.nanoTime() - started) / 1e9);
    }

    /** Each document's best chunk score (the hits come best first). */
    static Map<String, Double> documentScores(List<ScoredChunk> hits) {
        Map<String, Double> run = new LinkedHashMap<>();
        for (ScoredChunk h : hits) run.merge(h.chunk().documentId(), h.score(), Math::max);
        return run;
    }
}
