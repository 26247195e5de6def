package dev.jllm.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.engine.model.Architecture;
import dev.jllm.engine.model.ModelConfig;
import java.util.Arrays;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The tiled online softmax against softmax(q·k / sqrt(d)) · v computed in double over the same cached rows, and the
 * bit-identity of a query's output however the queries are batched.
 */
class AttentionTest {
    static final int LAYERS = 2, HEADS = 4, KV_HEADS = 2, POSITIONS = 70;
    /** Across two segment borders. */
    static final int LONG = 2 * Attention.SEGMENT + 300;

    static ModelConfig config(int headDim, int window) {
        return new ModelConfig(window > 0 ? Architecture.MISTRAL : Architecture.LLAMA, HEADS * headDim, LAYERS, HEADS, KV_HEADS,
                headDim, 64, 100, 256, 1e-5f, 10000f, headDim, 1f, window);
    }

    /** Random keys and values for every position the cache can hold, in every layer; returns them as [layer][pos][kvDim] x 2. */
    static float[][][][] fill(KvCache cache, ModelConfig c, SplittableRandom random) {
        int positions = cache.capacity();
        float[][][][] kv = new float[2][LAYERS][positions][];
        cache.prepare(0, positions);
        for (int l = 0; l < LAYERS; l++) {
            for (int p = 0; p < positions; p++) {
                kv[0][l][p] = randoms(c.kvDim(), 1, random);
                kv[1][l][p] = randoms(c.kvDim(), 1, random);
                cache.write(l, p, kv[0][l][p], 0, kv[1][l][p], 0);
            }
        }
        cache.commit(positions);
        return kv;
    }

    static float[] randoms(int n, double scale, SplittableRandom random) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (scale * random.nextGaussian());
        return x;
    }

    /**
     * headDim 40 runs 16-lane vectors and a scalar rest, 8 only the scalar rest; a query scale of 4 makes scores
     * spread widely, so that the running maximum grows from tile to tile and the rescaling is exercised.
     */
    @ParameterizedTest(name = "headDim {0}, window {1}, block size {2}, query scale {3}, {4} positions")
    @CsvSource({"40, 0, 16, 1, 70", "40, 0, 16, 4, 70", "8, 0, 16, 1, 70", "40, 11, 16, 1, 70", "40, 11, 4, 4, 70", "8, 20, 1, 1, 70",
            "40, 0, 32, 4, 70", "40, 0, 16, 4, " + LONG, "8, 1500, 5, 1, " + LONG})
    void matchesSoftmaxInDouble(int headDim, int window, int blockSize, double queryScale, int length) {
        ModelConfig c = config(headDim, window);
        SplittableRandom random = new SplittableRandom(headDim * 31L + window);
        KvCache cache = new KvCache(new KvBlockPool(c, KvType.F32, blockSize, length), length);
        float[][][][] kv = fill(cache, c, random);
        int[] positions = {0, 1, 15, 16, 17, 40, length - 1};
        int n = positions.length, layer = 1;
        float[] q = randoms(n * c.qDim(), queryScale, random), out = new float[n * c.qDim()];
        KvCache[] caches = new KvCache[n];
        Arrays.fill(caches, cache);
        new Attention(c).run(layer, q, out, n, caches, positions);

        double worst = 0;
        for (int t = 0; t < n; t++) {
            for (int h = 0; h < HEADS; h++) {
                double[] expected = reference(kv[0][layer], kv[1][layer], q, t * c.qDim() + h * headDim, (h / (HEADS / KV_HEADS)) * headDim,
                        headDim, window > 0 ? Math.max(0, positions[t] - window + 1) : 0, positions[t]);
                for (int d = 0; d < headDim; d++) {
                    worst = Math.max(worst, Math.abs(out[t * c.qDim() + h * headDim + d] - expected[d]) / maxAbs(expected));
                }
            }
        }
        System.out.printf("headDim %d, window %d, block size %d, query scale %s, %d positions: %.2e%n", headDim, window, blockSize,
                queryScale, length, worst);
        assertThat(worst).isLessThan(1e-5);
    }

    static double[] reference(float[][] keys, float[][] values, float[] q, int qOffset, int kvOffset, int headDim, int first, int last) {
        double[] scores = new double[last + 1];
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int p = first; p <= last; p++) {
            double s = 0;
            for (int d = 0; d < headDim; d++) s += (double) q[qOffset + d] * keys[p][kvOffset + d];
            scores[p] = s / Math.sqrt(headDim);
            max = Math.max(max, scores[p]);
        }
        double[] out = new double[headDim];
        for (int p = first; p <= last; p++) {
            double w = Math.exp(scores[p] - max);
            sum += w;
            for (int d = 0; d < headDim; d++) out[d] += w * values[p][kvOffset + d];
        }
        for (int d = 0; d < headDim; d++) out[d] /= sum;
        return out;
    }

    static double maxAbs(double[] x) {
        double m = 0;
        for (double v : x) m = Math.max(m, Math.abs(v));
        return m;
    }

    /** The softmax exponential against Math.exp, over the range where the weights are not negligible. */
    @Test
    void expIsWithinTwoUlpOfMathExp() {
        FloatVector x = FloatVector.zero(FloatVector.SPECIES_PREFERRED);
        float[] lanes = new float[x.length()], results = new float[x.length()];
        double worstUlps = 0;
        for (int i = 0; i <= 1_000_000; i += lanes.length) {
            for (int l = 0; l < lanes.length; l++) lanes[l] = -87f * Math.min(i + l, 1_000_000) / 1_000_000;
            Attention.exp(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, lanes, 0)).intoArray(results, 0);
            for (int l = 0; l < lanes.length; l++) {
                double exact = Math.exp(lanes[l]);
                worstUlps = Math.max(worstUlps, Math.abs(results[l] - exact) / Math.ulp((float) exact));
            }
        }
        assertThat(worstUlps).isLessThanOrEqualTo(2);
        assertThat(Attention.exp(FloatVector.broadcast(FloatVector.SPECIES_PREFERRED, Float.NEGATIVE_INFINITY)).lane(0))
                .isLessThan(1e-37f).isNotNegative();
    }

    /** The same queries all in one call, one call each, and beside another sequence's queries: the same bits. */
    /**
     * Across segments: a step with many query blocks runs each query's segments in order, a single query spreads them
     * over the threads (when there are several).
     */
    @ParameterizedTest(name = "{0} cache, window {1}, {2} positions")
    @CsvSource({"F32, 0, 70", "F16, 0, 70", "Q8_0, 0, 70", "Q8_0, 13, 70", "F32, 0, " + LONG, "Q8_0, 1100, " + LONG})
    void aQueryGetsTheSameBitsHoweverQueriesAreBatched(KvType type, int window, int length) {
        ModelConfig c = config(64, window);
        SplittableRandom random = new SplittableRandom(5);
        KvCache cache = new KvCache(c, length, type), other = new KvCache(c, length, type);
        fill(cache, c, random);
        fill(other, c, random);
        Attention attention = new Attention(c);
        int n = length;
        float[] q = randoms(n * c.qDim(), 2, random), together = new float[n * c.qDim()];
        int[] positions = new int[n];
        for (int t = 0; t < n; t++) positions[t] = t;
        KvCache[] caches = new KvCache[n];
        Arrays.fill(caches, cache);
        attention.run(0, q, together, n, caches, positions);

        float[] alone = new float[c.qDim()];
        float[] mixed = new float[3 * c.qDim()];
        for (int t = 0; t < n; t += n > 100 ? 97 : 1) {
            float[] qt = Arrays.copyOfRange(q, t * c.qDim(), (t + 1) * c.qDim());
            attention.run(0, qt, alone, 1, new KvCache[] {cache}, new int[] {t});
            assertThat(alone).as("query %d alone", t).containsExactly(Arrays.copyOfRange(together, t * c.qDim(), (t + 1) * c.qDim()));
            float[] q3 = new float[3 * c.qDim()];
            System.arraycopy(q, 0, q3, 0, c.qDim());
            System.arraycopy(qt, 0, q3, c.qDim(), c.qDim());
            System.arraycopy(q, (n - 1) * c.qDim(), q3, 2 * c.qDim(), c.qDim());
            attention.run(0, q3, mixed, 3, new KvCache[] {other, cache, other}, new int[] {length - 1, t, 3});
            assertThat(Arrays.copyOfRange(mixed, c.qDim(), 2 * c.qDim())).as("query %d beside another sequence", t)
                    .containsExactly(Arrays.copyOfRange(together, t * c.qDim(), (t + 1) * c.qDim()));
        }
    }
}
