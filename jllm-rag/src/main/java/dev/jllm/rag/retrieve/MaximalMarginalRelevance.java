package dev.jllm.rag.retrieve;

import dev.jllm.rag.store.ScoredChunk;
import java.util.ArrayList;
import java.util.List;

/**
 * Maximal marginal relevance (Carbonell and Goldstein, SIGIR 1998): picks chunks one at a time, each maximising
 * {@code lambda * sim(query, c) - (1 - lambda) * max over picked p of sim(c, p)}, so near-duplicates give way to
 * chunks that add something. Similarities are cosines of the chunks' stored vectors; lambda 1 keeps the relevance
 * order, lambda 0 maximises diversity.
 */
public record MaximalMarginalRelevance(double lambda) {
    public MaximalMarginalRelevance {
        if (lambda < 0 || lambda > 1) throw new IllegalArgumentException("MMR lambda must be in 0..1, got " + lambda);
    }

    /** The {@code k} chunks of {@code candidates} in MMR order, each scored by its marginal relevance when picked. */
    public List<ScoredChunk> select(float[] query, List<ScoredChunk> candidates, int k) {
        List<ScoredChunk> left = new ArrayList<>(candidates);
        for (ScoredChunk c : left) {
            if (c.chunk().vector() == null) throw new IllegalArgumentException("MMR needs chunk vectors; chunk " + c.chunk().id() + " has none");
        }
        List<ScoredChunk> picked = new ArrayList<>();
        while (picked.size() < k && !left.isEmpty()) {
            int best = -1;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < left.size(); i++) {
                float[] v = left.get(i).chunk().vector();
                double redundancy = 0;
                if (!picked.isEmpty()) {
                    redundancy = Double.NEGATIVE_INFINITY;
                    for (ScoredChunk p : picked) redundancy = Math.max(redundancy, Vectors.dot(v, p.chunk().vector()));
                }
                double score = lambda * Vectors.dot(query, v) - (1 - lambda) * redundancy;
                if (score > bestScore) {
                    bestScore = score;
                    best = i;
                }
            }
            picked.add(left.remove(best).withScore(bestScore));
        }
        return picked;
    }
}
