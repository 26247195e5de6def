package dev.jllm.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The optimized chain (bounded-heap top-k, adaptive top-p, in-place min-p) must give the same distribution as a
 * plain transcription of llama.cpp's samplers that sorts the whole vocabulary for every step.
 */
class SamplerReferenceTest {

    @Property(tries = 300)
    void optimizedChainEqualsFullSortReference(
            @ForAll @IntRange(min = 1, max = 3000) int vocab,
            @ForAll @IntRange(min = -2, max = 3100) int topK,
            @ForAll @IntRange(min = 0, max = 100) int topPPercent,
            @ForAll @IntRange(min = 0, max = 100) int minPPercent,
            @ForAll @IntRange(min = 1, max = 30) int temperatureTenths,
            @ForAll @IntRange(min = 0, max = 1) int penalize,
            @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] logits = new float[vocab];
        boolean coarse = r.nextBoolean(); // coarse values make many ties
        for (int i = 0; i < vocab; i++) {
            logits[i] = coarse ? r.nextInt(-8, 8) * 0.5f : (float) (r.nextGaussian() * 3);
        }
        float topP = topPPercent / 100f;
        float minP = minPPercent / 100f;
        float temperature = temperatureTenths / 10f;
        int lastN = 1 + r.nextInt(16);
        float repeat = 1 + r.nextInt(4) * 0.25f;
        float frequency = r.nextInt(3) * 0.5f;
        float presence = r.nextInt(3) * 0.25f;
        int[] history = new int[r.nextInt(40)];
        for (int i = 0; i < history.length; i++) history[i] = r.nextInt(vocab);

        SamplingParams params = new SamplingParams(temperature, topK, topP, minP,
                penalize == 1 ? repeat : 1, lastN, penalize == 1 ? frequency : 0, penalize == 1 ? presence : 0, 1);
        Sampler sampler = new Sampler(params, vocab);
        for (int t : history) sampler.accept(t);

        float[] expected = reference(params, logits, history);
        assertThat(sampler.distribution(logits)).containsExactly(expected, within(1e-6f));
    }

    private record Token(int id, float logit) {}

    private static float[] reference(SamplingParams p, float[] raw, int[] history) {
        float[] logits = raw.clone();
        if (p.penalizes()) {
            int from = Math.max(0, history.length - p.repeatLastN());
            int[] counts = new int[logits.length];
            for (int i = from; i < history.length; i++) counts[history[i]]++;
            for (int t = 0; t < logits.length; t++) {
                if (counts[t] == 0) continue;
                logits[t] = logits[t] <= 0 ? logits[t] * p.repeatPenalty() : logits[t] / p.repeatPenalty();
                logits[t] -= counts[t] * p.frequencyPenalty() + p.presencePenalty();
            }
        }
        List<Token> all = new ArrayList<>();
        for (int i = 0; i < logits.length; i++) all.add(new Token(i, logits[i]));
        List<Token> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingDouble((Token t) -> -t.logit()).thenComparingInt(Token::id));

        List<Token> cands = all; // id order until a filter sorts
        if (p.topK() > 0) cands = new ArrayList<>(sorted.subList(0, Math.min(p.topK(), sorted.size())));
        if (p.topP() < 1) {
            float max = max(cands);
            float sum = 0;
            for (Token t : cands) sum += (float) Math.exp(t.logit() - max);
            List<Token> ordered = new ArrayList<>(cands);
            ordered.sort(Comparator.comparingDouble((Token t) -> -t.logit()).thenComparingInt(Token::id));
            float cumulative = 0;
            int keep = ordered.size();
            for (int i = 0; i < ordered.size(); i++) {
                cumulative += (float) Math.exp(ordered.get(i).logit() - max) / sum;
                if (cumulative >= p.topP()) {
                    keep = i + 1;
                    break;
                }
            }
            cands = new ArrayList<>(ordered.subList(0, keep));
        }
        if (p.minP() > 0) {
            float threshold = max(cands) + (float) Math.log(p.minP());
            cands = cands.stream().filter(t -> t.logit() >= threshold).toList();
        }
        float[] scaled = new float[cands.size()];
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < scaled.length; i++) max = Math.max(max, scaled[i] = cands.get(i).logit() / p.temperature());
        double sum = 0;
        float[] w = new float[scaled.length];
        for (int i = 0; i < w.length; i++) sum += w[i] = (float) Math.exp(scaled[i] - max);
        float[] out = new float[raw.length];
        for (int i = 0; i < w.length; i++) out[cands.get(i).id()] = (float) (w[i] / sum);
        return out;
    }

    private static float max(List<Token> tokens) {
        float m = Float.NEGATIVE_INFINITY;
        for (Token t : tokens) m = Math.max(m, t.logit());
        return m;
    }
}
