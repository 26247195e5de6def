package dev.jllm.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The filters are checked against the cases of llama.cpp's tests/test-sampling.cpp (the same inputs and expected
 * probabilities): probabilities become logits {@code log(p)}, one filter runs, and the distribution that the final
 * draw would use must match within 1e-5, as there.
 */
class SamplerTest {
    private static final float[] P4 = {0.1f, 0.2f, 0.3f, 0.4f};
    private static final float[] P5 = {0.2f, 0.2f, 0.2f, 0.2f, 0.2f};

    /** Every filter off, temperature 1: the draw uses softmax of the (penalized) logits. */
    private static final SamplingParams PLAIN = SamplingParams.defaults()
            .withTemperature(1).withTopK(0).withTopP(1).withMinP(0).withSeed(1234);

    private static float[] logitsOf(float[] probs) {
        float[] l = new float[probs.length];
        for (int i = 0; i < l.length; i++) l[i] = (float) Math.log(probs[i]);
        return l;
    }

    private static void assertDistribution(SamplingParams params, float[] probs, float... expectedById) {
        float[] actual = new Sampler(params, probs.length).distribution(logitsOf(probs));
        assertThat(actual).containsExactly(expectedById, within(1e-5f));
    }

    @Test
    void greedyIsTheArgmaxOfTheRawLogits() {
        Sampler s = new Sampler(SamplingParams.greedy(), 5);
        assertThat(s.sample(new float[] {0.5f, -1f, 3.25f, 3.0f, -7f})).isEqualTo(2);
        assertThat(s.sample(new float[] {-9f, -8f, -7.5f, -8f, -9f})).isEqualTo(2);
    }

    @Test
    void greedyTieGoesToTheLowerId() {
        Sampler s = new Sampler(SamplingParams.greedy(), 6);
        assertThat(s.sample(new float[] {1f, 4f, 2f, 4f, 4f, 0f})).isEqualTo(1);
        float[] flat = new float[1000];
        Arrays.fill(flat, -2.5f);
        assertThat(new Sampler(SamplingParams.greedy(), 1000).sample(flat)).isZero();
    }

    @Test
    void greedyIgnoresTheFiltersButNotThePenalties() {
        SamplingParams greedy = SamplingParams.greedy().withTopK(1).withTopP(0.01f).withMinP(0.9f);
        assertThat(new Sampler(greedy, 3).sample(new float[] {1f, 3f, 2f})).isEqualTo(1);

        Sampler penalized = new Sampler(greedy.withRepeatPenalty(2f), 3);
        penalized.accept(1); // 3 / 2 = 1.5 < 2
        assertThat(penalized.sample(new float[] {1f, 3f, 2f})).isEqualTo(2);
    }

    @Test
    void temperatureOneKeepsTheDistribution() { // test_temp(P4, P4, 1.0)
        assertDistribution(PLAIN, P4, 0.1f, 0.2f, 0.3f, 0.4f);
    }

    @Test
    void temperatureSharpensOrFlattens() {
        // softmax(log p / T) is proportional to p^(1/T)
        float[] sq = {0.01f, 0.04f, 0.09f, 0.16f};
        float sum = 0.30f;
        assertDistribution(PLAIN.withTemperature(0.5f), P4, sq[0] / sum, sq[1] / sum, sq[2] / sum, sq[3] / sum);
    }

    @Test
    void topKMatchesLlamaCpp() {
        assertDistribution(PLAIN.withTopK(1), P4, 0, 0, 0, 1.0f);
        assertDistribution(PLAIN.withTopK(3), P4, 0, 0.22222f, 0.33333f, 0.44444f);
        assertDistribution(PLAIN.withTopK(4), P4, 0.1f, 0.2f, 0.3f, 0.4f);
        assertDistribution(PLAIN.withTopK(0), P4, 0.1f, 0.2f, 0.3f, 0.4f);
    }

    @Test
    void topPMatchesLlamaCpp() {
        assertDistribution(PLAIN.withTopP(0), P4, 0, 0, 0, 1.0f);
        assertDistribution(PLAIN.withTopP(0.7f), P4, 0, 0, 0.428571f, 0.571429f);
        assertDistribution(PLAIN.withTopP(0.8f), P4, 0, 0.22222f, 0.33333f, 0.44444f);
        assertDistribution(PLAIN.withTopP(1.0f), P4, 0.1f, 0.2f, 0.3f, 0.4f);
    }

    @Test
    void minPMatchesLlamaCpp() {
        assertDistribution(PLAIN.withMinP(0.00f), P4, 0.1f, 0.2f, 0.3f, 0.4f);
        assertDistribution(PLAIN.withMinP(0.24f), P4, 0.1f, 0.2f, 0.3f, 0.4f);
        assertDistribution(PLAIN.withMinP(0.26f), P4, 0, 0.2f / 0.9f, 0.3f / 0.9f, 0.4f / 0.9f);
        assertDistribution(PLAIN.withMinP(0.49f), P4, 0, 0.2f / 0.9f, 0.3f / 0.9f, 0.4f / 0.9f);
        assertDistribution(PLAIN.withMinP(0.51f), P4, 0, 0, 0.3f / 0.7f, 0.4f / 0.7f);
        assertDistribution(PLAIN.withMinP(0.74f), P4, 0, 0, 0.3f / 0.7f, 0.4f / 0.7f);
        assertDistribution(PLAIN.withMinP(0.76f), P4, 0, 0, 0, 1.0f);
        assertDistribution(PLAIN.withMinP(1.00f), P4, 0, 0, 0, 1.0f);
    }

    private static void assertPenalties(int[] history, float repeat, float frequency, float presence, float... expected) {
        SamplingParams params = PLAIN.withRepeatLastN(history.length).withRepeatPenalty(repeat)
                .withFrequencyPenalty(frequency).withPresencePenalty(presence);
        Sampler s = new Sampler(params, P5.length);
        for (int t : history) s.accept(t);
        assertThat(s.distribution(logitsOf(P5))).containsExactly(expected, within(1e-5f));
    }

    @Test
    void repeatPenaltyMatchesLlamaCpp() {
        assertPenalties(new int[] {0}, 50, 0, 0, 0, 0.25f, 0.25f, 0.25f, 0.25f);
        assertPenalties(new int[] {0, 1, 2}, 50, 0, 0, 0, 0, 0, 0.5f, 0.5f);
        assertPenalties(new int[] {0, 1, 2, 0, 0}, 50, 0, 0, 0, 0, 0, 0.5f, 0.5f);
    }

    @Test
    void frequencyAndPresencePenaltiesMatchLlamaCpp() {
        assertPenalties(new int[] {0}, 1, 5, 5, 0.000011f, 0.249997f, 0.249997f, 0.249997f, 0.249997f);
        assertPenalties(new int[] {0, 1, 2}, 1, 5, 5, 0.000023f, 0.000023f, 0.000023f, 0.499966f, 0.499966f);
        assertPenalties(new int[] {0, 1, 2, 0, 0}, 1, 5, 5, 0.000000f, 0.000023f, 0.000023f, 0.499977f, 0.499977f);
    }

    @Test
    void repeatPenaltyDividesPositiveAndMultipliesNegativeLogits() {
        Sampler s = new Sampler(SamplingParams.greedy().withRepeatPenalty(4f), 3);
        s.accept(0);
        s.accept(1);
        // token 0: 8 / 4 = 2; token 1: -1 * 4 = -4; token 2 untouched at 3
        assertThat(s.sample(new float[] {8f, -1f, 3f})).isEqualTo(2);
        assertThat(s.sample(new float[] {8f, -1f, 1.5f})).isEqualTo(0);
    }

    @Test
    void penaltiesOnlySeeTheLastNTokens() {
        // frequency 1 per occurrence; window 3: after 0 0 1 1 1 token 0 has left the window
        Sampler s = new Sampler(SamplingParams.greedy().withRepeatLastN(3).withFrequencyPenalty(1f), 2);
        for (int t : new int[] {0, 0, 1, 1, 1}) s.accept(t);
        assertThat(s.sample(new float[] {0f, 2.5f})).isZero(); // 2.5 - 3 = -0.5 < 0
        assertThat(s.sample(new float[] {0f, 3.5f})).isEqualTo(1);

        Sampler all = new Sampler(SamplingParams.greedy().withRepeatLastN(-1).withFrequencyPenalty(1f), 2);
        for (int t : new int[] {0, 0, 1, 1, 1}) all.accept(t);
        assertThat(all.sample(new float[] {2.5f, 3.4f})).isZero(); // 0.5 vs 0.4: the whole history counts
    }

    @Test
    void filtersRunInLlamaCppOrderThenTemperature() {
        // p = .05 .10 .15 .30 .40; top-k 4 drops .05; top-p .6 over (.40 .30 .15 .10)/.95 keeps .40 and .30
        // (0.421, then 0.737 >= .6); min-p .5 keeps both (.30 / .40 = .75); temperature .5 squares them
        float[] p = {0.05f, 0.10f, 0.15f, 0.30f, 0.40f};
        SamplingParams params = PLAIN.withTopK(4).withTopP(0.6f).withMinP(0.5f).withTemperature(0.5f);
        assertDistribution(params, p, 0, 0, 0, 0.09f / 0.25f, 0.16f / 0.25f);
    }

    @Test
    void aFixedSeedReplaysTheSameTokensAndOtherSeedsDiffer() {
        SplittableRandom data = new SplittableRandom(7);
        float[][] steps = new float[200][];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = new float[50];
            for (int j = 0; j < 50; j++) steps[i][j] = (float) data.nextGaussian();
        }
        SamplingParams params = SamplingParams.defaults().withTopK(0).withTopP(1).withMinP(0).withTemperature(1.5f);
        int[] a = run(new Sampler(params.withSeed(42), 50), steps);
        int[] b = run(new Sampler(params.withSeed(42), 50), steps);
        int[] c = run(new Sampler(params.withSeed(43), 50), steps);
        assertThat(a).isEqualTo(b);
        assertThat(c).isNotEqualTo(a);
    }

    private static int[] run(Sampler s, float[][] steps) {
        int[] out = new int[steps.length];
        for (int i = 0; i < steps.length; i++) {
            out[i] = s.sample(steps[i]);
            s.accept(out[i]);
        }
        return out;
    }

    /**
     * With temperature 1 and no filter the draws follow softmax(logits). Pearson's chi-square over 200 000 draws of a
     * 10-token vocabulary must stay below 27.88, the 0.1% critical value for 9 degrees of freedom. The seed is fixed,
     * so the test is deterministic; a wrong distribution (for example one normalized at another temperature) gives
     * a statistic in the thousands.
     */
    @Test
    void drawsFollowTheSoftmaxDistribution() {
        float[] logits = {2.0f, 1.0f, 0.5f, 0.0f, -0.5f, -1.0f, 1.5f, 0.25f, -2.0f, 0.75f};
        double[] expected = softmax(logits);
        int n = 200_000;
        long[] counts = new long[logits.length];
        Sampler s = new Sampler(PLAIN.withSeed(20240611), logits.length);
        for (int i = 0; i < n; i++) counts[s.sample(logits)]++;
        double chi2 = 0;
        for (int i = 0; i < logits.length; i++) {
            double e = n * expected[i];
            chi2 += (counts[i] - e) * (counts[i] - e) / e;
        }
        assertThat(chi2).isLessThan(27.88);
    }

    private static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) sum += p[i] = Math.exp(logits[i] - max);
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }

    @Test
    void sampleLeavesTheCallersLogitsAlone() {
        float[] logits = {1f, 2f, 3f, 4f};
        float[] copy = logits.clone();
        Sampler s = new Sampler(SamplingParams.defaults().withSeed(1).withRepeatPenalty(1.3f), 4);
        s.accept(3);
        s.sample(logits);
        assertThat(logits).isEqualTo(copy);
    }

    @Test
    void filteredTokensAreNeverDrawn() {
        float[] logits = {5f, 4.9f, 1f, 0f, 4.8f, -1f};
        Sampler s = new Sampler(PLAIN.withTopK(3).withTemperature(3f).withSeed(5), logits.length);
        for (int i = 0; i < 2000; i++) assertThat(s.sample(logits)).isIn(0, 1, 4);
    }

    @Test
    void negativeInfinityMasksAToken() {
        float inf = Float.NEGATIVE_INFINITY;
        Sampler s = new Sampler(PLAIN.withSeed(9), 4);
        for (int i = 0; i < 500; i++) assertThat(s.sample(new float[] {inf, 0f, inf, 0f})).isIn(1, 3);
        assertThatThrownBy(() -> s.sample(new float[] {inf, inf, inf, inf}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("-infinity");
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        Sampler s = new Sampler(SamplingParams.defaults(), 4);
        assertThatThrownBy(() -> s.sample(new float[3])).hasMessageContaining("expected 4 logits, got 3");
        assertThatThrownBy(() -> s.sample(new float[] {0, Float.NaN, 0, 0})).hasMessageContaining("token 1 is NaN");
        assertThatThrownBy(() -> s.accept(4)).hasMessageContaining("token id 4 is outside the vocabulary [0, 4)");
        assertThatThrownBy(() -> new Sampler(SamplingParams.defaults(), 0)).hasMessageContaining("vocabulary size");
        assertThatThrownBy(() -> SamplingParams.defaults().withTopP(1.5f)).hasMessageContaining("top_p");
        assertThatThrownBy(() -> SamplingParams.defaults().withMinP(-0.1f)).hasMessageContaining("min_p");
        assertThatThrownBy(() -> SamplingParams.defaults().withRepeatPenalty(0)).hasMessageContaining("repeat_penalty");
        assertThatThrownBy(() -> SamplingParams.defaults().withRepeatLastN(-2)).hasMessageContaining("repeat_last_n");
    }

    @Test
    void defaultsAreLlamaCpps() {
        SamplingParams d = SamplingParams.defaults();
        assertThat(d.temperature()).isEqualTo(0.8f);
        assertThat(d.topK()).isEqualTo(40);
        assertThat(d.topP()).isEqualTo(0.95f);
        assertThat(d.minP()).isEqualTo(0.05f);
        assertThat(d.repeatPenalty()).isEqualTo(1.0f);
        assertThat(d.repeatLastN()).isEqualTo(64);
        assertThat(d.frequencyPenalty()).isZero();
        assertThat(d.presencePenalty()).isZero();
        assertThat(d.seed()).isEqualTo(SamplingParams.RANDOM_SEED);
        assertThat(SamplingParams.greedy().isGreedy()).isTrue();
        assertThat(d.isGreedy()).isFalse();
    }
}
