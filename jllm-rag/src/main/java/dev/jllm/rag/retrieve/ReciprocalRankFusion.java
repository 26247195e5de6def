package dev.jllm.rag.retrieve;

import dev.jllm.rag.store.ScoredChunk;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009): a chunk scores the sum over rankings of
 * {@code 1 / (k + rank)}, ranks counted from 1; scores themselves are ignored. k = 60 is the paper's constant.
 */
public record ReciprocalRankFusion(int k) implements Fusion {
    public static final int DEFAULT_K = 60;

    public ReciprocalRankFusion {
        if (k < 0) throw new IllegalArgumentException("RRF k must not be negative, got " + k);
    }

    @Override
    public List<ScoredChunk> fuse(List<List<ScoredChunk>> rankings) {
        Map<String, ScoredChunk> fused = new LinkedHashMap<>();
        for (List<ScoredChunk> ranking : rankings) {
            for (int i = 0; i < ranking.size(); i++) {
                ScoredChunk hit = ranking.get(i);
                double add = 1.0 / (k + i + 1);
                fused.merge(hit.chunk().id(), hit.withScore(add), (a, b) -> a.withScore(a.score() + b.score()));
            }
        }
        List<ScoredChunk> out = new ArrayList<>(fused.values());
        out.sort(Comparator.comparingDouble(ScoredChunk::score).reversed());
        return out;
    }
}
