package dev.jllm.engine.golden;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jllm.engine.model.Model;
import dev.jllm.engine.runtime.KvType;
import dev.jllm.engine.runtime.Session;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a smaller KV cache costs: on every golden model, the logits with an F16 or Q8_0 cache against those with an
 * F32 cache (max abs difference over max |logit|), after each golden logits prompt and after each generation prompt
 * followed by its 64 greedy tokens (70 to 80 positions). Prints the worst figures; F16 rounds keys and values to 11
 * significant bits, Q8_0 to 8-bit steps of each 32-value block's largest magnitude.
 *
 * <p>Bounds: with float activations (F32, F16, BF16 matrices), 1e-2 for F16 and 5e-2 for Q8_0 (measured at most
 * 5.5e-3 and 3.8e-2; stories260K's Q8_0 blocks span four 8-value heads, so a small head shares a large one's
 * scale). Where matrix products quantize their activations, any change flips int8 roundings that these random-weight
 * models amplify (a one-ulp change in attention already moves logits by up to 1.6e-2, see GoldenModelTest), so both
 * types get 5e-2 (measured at most 3.2e-2 and 4.3e-2).
 */
class KvTypeGoldenTest {
    static final double F16_BOUND = 1e-2;
    static final double Q8_0_BOUND = 5e-2;
    static final double QUANTIZED_ACTIVATIONS_BOUND = 5e-2;

    static List<GoldenFile> goldenModels() {
        return GoldenFile.withGeneration();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenModels")
    void smallerCacheTypesStayCloseToF32(GoldenFile golden) {
        try (Model model = Model.load(golden.model())) {
            double f16 = 0, q8 = 0;
            for (int[] sequence : sequences(golden)) {
                float[] exact = new Session(model, 512, KvType.F32).feed(sequence).clone();
                f16 = Math.max(f16, relativeDifference(new Session(model, 512, KvType.F16).feed(sequence), exact));
                q8 = Math.max(q8, relativeDifference(new Session(model, 512, KvType.Q8_0).feed(sequence), exact));
            }
            System.out.printf("%s: KV cache f16 vs f32 %.2e, q8_0 vs f32 %.2e (worst of %d sequences)%n", golden, f16, q8,
                    sequences(golden).size());
            if (model.weights().layers()[0].wq().dotType().isQuantized()) {
                assertThat(f16).as("f16").isLessThanOrEqualTo(QUANTIZED_ACTIVATIONS_BOUND).isPositive();
                assertThat(q8).as("q8_0").isLessThanOrEqualTo(QUANTIZED_ACTIVATIONS_BOUND).isPositive();
            } else {
                assertThat(f16).as("f16").isLessThanOrEqualTo(F16_BOUND).isPositive();
                assertThat(q8).as("q8_0").isLessThanOrEqualTo(Q8_0_BOUND).isGreaterThan(f16);
            }
        }
    }

    static List<int[]> sequences(GoldenFile golden) {
        List<int[]> out = new ArrayList<>();
        for (JsonNode c : golden.json().path("logits")) out.add(ints(c.path("prompt_ids")));
        for (JsonNode c : golden.json().path("generation")) {
            int[] prompt = ints(c.path("prompt_ids")), greedy = ints(c.path("greedy_ids"));
            int[] all = Arrays.copyOf(prompt, prompt.length + greedy.length);
            System.arraycopy(greedy, 0, all, prompt.length, greedy.length);
            out.add(all);
        }
        return out;
    }

    static double relativeDifference(float[] actual, float[] expected) {
        double maxRef = 0, maxErr = 0;
        for (int i = 0; i < expected.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(expected[i]));
            maxErr = Math.max(maxErr, Math.abs(actual[i] - expected[i]));
        }
        return maxErr / maxRef;
    }

    private static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).asInt();
        return r;
    }
}
