package dev.jllm.rag.retrieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.jllm.rag.store.Chunk;
import dev.jllm.rag.store.ScoredChunk;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FusionTest {
    static ScoredChunk hit(String id, double score) {
        return new ScoredChunk(new Chunk(id, id, id, "", "text " + id, Map.of(), null), score);
    }

    static List<String> ids(List<ScoredChunk> hits) {
        return hits.stream().map(h -> h.chunk().id()).toList();
    }

    @Test
    void rrfAddsReciprocalRanks() {
        List<ScoredChunk> lexical = List.of(hit("a", 12), hit("b", 9), hit("c", 1));
        List<ScoredChunk> dense = List.of(hit("c", 0.9), hit("a", 0.8), hit("d", 0.1));
        List<ScoredChunk> fused = new ReciprocalRankFusion(60).fuse(List.of(lexical, dense));
        // a: 1/61 + 1/62, c: 1/63 + 1/61, b: 1/62, d: 1/63
        assertThat(ids(fused)).containsExactly("a", "c", "b", "d");
        assertThat(fused.get(0).score()).isCloseTo(1.0 / 61 + 1.0 / 62, within(1e-15));
        assertThat(fused.get(3).score()).isCloseTo(1.0 / 63, within(1e-15));
    }

    @Test
    void convexFusionMinMaxNormalisesEachRankingAndWeighsThem() {
        List<ScoredChunk> lexical = List.of(hit("a", 20), hit("b", 15), hit("c", 10));
        List<ScoredChunk> dense = List.of(hit("c", 0.9), hit("d", 0.7), hit("a", 0.5));
        List<ScoredChunk> fused = ConvexFusion.lexicalDense(0.75).fuse(List.of(lexical, dense));
        // lexical normalised a 1, b .5, c 0; dense c 1, d .5, a 0
        // a .25*1 = .25; b .25*.5 = .125; c .75*1 = .75; d .75*.5 = .375
        assertThat(ids(fused)).containsExactly("c", "d", "a", "b");
        assertThat(fused.get(0).score()).isCloseTo(0.75, within(1e-12));
        assertThat(fused.get(2).score()).isCloseTo(0.25, within(1e-12));
        assertThat(ids(ConvexFusion.lexicalDense(0).fuse(List.of(lexical, dense))).subList(0, 3)).containsExactly("a", "b", "c");
    }

    @Test
    void mmrTradesRelevanceForNovelty() {
        float[] q = {1, 0, 0};
        ScoredChunk a = new ScoredChunk(new Chunk("a", "a", "a", "", "a", Map.of(), Vectors.unit(new float[] {1, 0.1f, 0})), 0);
        ScoredChunk aCopy = new ScoredChunk(new Chunk("a2", "a2", "a2", "", "a2", Map.of(), Vectors.unit(new float[] {1, 0.12f, 0})), 0);
        ScoredChunk other = new ScoredChunk(new Chunk("b", "b", "b", "", "b", Map.of(), Vectors.unit(new float[] {0.7f, 0, 0.7f})), 0);
        List<ScoredChunk> candidates = List.of(a, aCopy, other);
        assertThat(ids(new MaximalMarginalRelevance(1.0).select(q, candidates, 3))).containsExactly("a", "a2", "b");
        assertThat(ids(new MaximalMarginalRelevance(0.5).select(q, candidates, 2))).containsExactly("a", "b");
    }
}
