package dev.jllm.rag.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Ranking metrics for one query, defined as trec_eval (and so pytrec_eval and BEIR) defines them. The run is a score
 * per document; like trec_eval, documents are ranked by score, highest first, ties broken by document id in
 * reverse string order. A document is relevant when its judgment is at least 1; nDCG's gains are the judgments
 * themselves (graded relevance), discounted by log2(rank + 1), over the ideal ordering of all judged documents.
 */
public record RetrievalMetrics(double ndcgAt10, double recallAt100, double mrrAt10, double averagePrecision) {

    /** The run's documents in trec_eval's order. */
    public static List<String> ranking(Map<String, Double> run) {
        List<Map.Entry<String, Double>> entries = new ArrayList<>(run.entrySet());
        entries.sort(Map.Entry.<String, Double>comparingByValue().reversed()
                .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())));
        return entries.stream().map(Map.Entry::getKey).toList();
    }

    /** The metrics of {@code run} against one query's {@code judgments} (document id to relevance grade). */
    public static RetrievalMetrics of(Map<String, Double> run, Map<String, Integer> judgments) {
        List<String> ranked = ranking(run);
        return new RetrievalMetrics(ndcg(ranked, judgments, 10), recall(ranked, judgments, 100),
                reciprocalRank(ranked, judgments, 10), averagePrecision(ranked, judgments));
    }

    static int relevantCount(Map<String, Integer> judgments) {
        return (int) judgments.values().stream().filter(g -> g >= 1).count();
    }

    public static double ndcg(List<String> ranked, Map<String, Integer> judgments, int k) {
        double dcg = 0;
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            int gain = Math.max(0, judgments.getOrDefault(ranked.get(i), 0));
            dcg += gain / log2(i + 2);
        }
        List<Integer> ideal = judgments.values().stream().filter(g -> g > 0).sorted(Comparator.reverseOrder()).toList();
        double idcg = 0;
        for (int i = 0; i < Math.min(k, ideal.size()); i++) idcg += ideal.get(i) / log2(i + 2);
        return idcg == 0 ? 0 : dcg / idcg;
    }

    public static double recall(List<String> ranked, Map<String, Integer> judgments, int k) {
        int relevant = relevantCount(judgments);
        if (relevant == 0) return 0;
        int found = 0;
        for (int i = 0; i < Math.min(k, ranked.size()); i++) if (judgments.getOrDefault(ranked.get(i), 0) >= 1) found++;
        return (double) found / relevant;
    }

    /** 1 / the rank of the first relevant document, 0 when there is none in the top {@code k}. */
    public static double reciprocalRank(List<String> ranked, Map<String, Integer> judgments, int k) {
        for (int i = 0; i < Math.min(k, ranked.size()); i++) if (judgments.getOrDefault(ranked.get(i), 0) >= 1) return 1.0 / (i + 1);
        return 0;
    }

    /** Uninterpolated average precision over the whole ranking (trec_eval's {@code map} for one query). */
    public static double averagePrecision(List<String> ranked, Map<String, Integer> judgments) {
        int relevant = relevantCount(judgments);
        if (relevant == 0) return 0;
        double sum = 0;
        int found = 0;
        for (int i = 0; i < ranked.size(); i++) {
            if (judgments.getOrDefault(ranked.get(i), 0) >= 1) sum += (double) ++found / (i + 1);
        }
        return sum / relevant;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /** The mean of each metric over queries (every query counts once). */
    public static RetrievalMetrics mean(List<RetrievalMetrics> all) {
        if (all.isEmpty()) throw new IllegalArgumentException("no queries to average");
        double n = 0, r = 0, m = 0, a = 0;
        for (RetrievalMetrics x : all) {
            n += x.ndcgAt10();
            r += x.recallAt100();
            m += x.mrrAt10();
            a += x.averagePrecision();
        }
        int c = all.size();
        return new RetrievalMetrics(n / c, r / c, m / c, a / c);
    }
}
