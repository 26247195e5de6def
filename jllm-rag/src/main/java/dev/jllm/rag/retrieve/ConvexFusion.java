package dev.jllm.rag.retrieve;

import dev.jllm.rag.store.ScoredChunk;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Convex combination of scores (Bruch, Gai and Ingber, "An Analysis of Fusion Functions for Hybrid Retrieval", TOIS
 * 2023): each ranking's scores are min-max normalised to [0, 1] over the ranking, and a chunk scores the weighted
 * sum, a ranking that lacks it adding 0. The weights sum to 1.
 */
public final class ConvexFusion implements Fusion {
    private final double[] weights;

    public ConvexFusion(double... weights) {
        double sum = 0;
        for (double w : weights) {
            if (w < 0) throw new IllegalArgumentException("fusion weights must not be negative");
            sum += w;
        }
        if (Math.abs(sum - 1) > 1e-9) throw new IllegalArgumentException("fusion weights must sum to 1, not " + sum);
        this.weights = weights.clone();
    }

    /** Lexical weight {@code 1 - alpha}, dense weight {@code alpha}, for the rankings in that order. */
    public static ConvexFusion lexicalDense(double alpha) {
        if (alpha < 0 || alpha > 1) throw new IllegalArgumentException("alpha must be in 0..1, got " + alpha);
        return new ConvexFusion(1 - alpha, alpha);
    }

    @Override
    public List<ScoredChunk> fuse(List<List<ScoredChunk>> rankings) {
        if (rankings.size() != weights.length) {
            throw new IllegalArgumentException(weights.length + " weights for " + rankings.size() + " rankings");
        }
        Map<String, ScoredChunk> fused = new LinkedHashMap<>();
        for (int r = 0; r < rankings.size(); r++) {
            List<ScoredChunk> ranking = rankings.get(r);
            if (ranking.isEmpty()) continue;
            double max = Double.NEGATIVE_INFINITY, min = Double.POSITIVE_INFINITY;
            for (ScoredChunk h : ranking) {
                max = Math.max(max, h.score());
                min = Math.min(min, h.score());
            }
            double span = max - min;
            for (ScoredChunk h : ranking) {
                double normalised = span > 0 ? (h.score() - min) / span : 1;
                fused.merge(h.chunk().id(), h.withScore(weights[r] * normalised), (a, b) -> a.withScore(a.score() + b.score()));
            }
        }
        List<ScoredChunk> out = new ArrayList<>(fused.values());
        out.sort(Comparator.comparingDouble(ScoredChunk::score).reversed());
        return out;
    }
}
