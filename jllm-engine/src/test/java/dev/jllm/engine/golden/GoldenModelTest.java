package dev.jllm.engine.golden;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jllm.engine.gguf.GgmlType;
import dev.jllm.engine.model.Model;
import dev.jllm.engine.runtime.Session;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine against llama.cpp (shared/golden): prompt tokenization, last-position logits and greedy continuations,
 * with the tolerances of the engine-foundation issue: logits within 1e-4 relative (max abs error over max |logit|)
 * for all-F32 models and 1e-2 for F16/BF16 ones (2e-2 where activations are quantized, see {@link #tolerance}), top-20
 * ids equal except among near-ties, and greedy ids equal up to the first step whose top-1 margin is below the
 * tolerance.
 */
class GoldenModelTest {

    static List<GoldenFile> goldenModels() {
        return GoldenFile.withGeneration();
    }

    /**
     * 1e-4 for all-F32 models, 1e-2 for F16/BF16 matrices. Where matrix products quantize their activations to 8 bits
     * (every quantized type), an activation within float error of an int8 rounding boundary may round the other way
     * than in llama.cpp, whose attention sums in another order; through a random-weight model one such flip moves the
     * logits by up to 1.6e-2 (measured on synthetic-tiny-q8_0 with attention tiles of 1 to 32 positions), so 2e-2.
     */
    private static double tolerance(Model m) {
        boolean allF32 = m.file().tensors().values().stream().allMatch(t -> t.type() == GgmlType.F32);
        boolean quantizedActivations = m.weights().layers()[0].wq().dotType().isQuantized();
        return allF32 ? 1e-4 : quantizedActivations ? 2e-2 : 1e-2;
    }

    private static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).asInt();
        return r;
    }

    private static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenModels")
    void lastPositionLogitsMatchLlamaCpp(GoldenFile golden) {
        try (Model model = Model.load(golden.model())) {
            double tol = tolerance(model);
            for (JsonNode c : golden.json().path("logits")) {
                int[] prompt = ints(c.path("prompt_ids"));
                assertThat(model.tokenizer().encode(c.path("prompt").asText(), true, false))
                        .as("tokenization of %s", c.path("prompt")).containsExactly(prompt);
                float[] logits = new Session(model, 512).feed(prompt).clone();
                JsonNode ref = c.path("logits");
                assertThat(logits).hasSize(ref.size());
                double maxRef = 0, maxErr = 0;
                for (int i = 0; i < logits.length; i++) {
                    maxRef = Math.max(maxRef, Math.abs(ref.get(i).asDouble()));
                    maxErr = Math.max(maxErr, Math.abs(logits[i] - ref.get(i).asDouble()));
                }
                double rel = maxErr / maxRef;
                System.out.printf("%s '%s': max relative logit error %.3g (tolerance %.0e)%n", golden, c.path("prompt").asText(), rel, tol);
                assertThat(rel).as("%s: relative logit error for '%s'", golden, c.path("prompt").asText()).isLessThanOrEqualTo(tol);
                // top-20 ids: each reference id must be ours too unless its logit is within the tolerance of the 20th
                double slack = tol * maxRef;
                List<Integer> ours = top(logits, 20);
                JsonNode top20 = c.path("top20");
                double twentieth = top20.get(top20.size() - 1).get(1).asDouble();
                for (JsonNode e : top20) {
                    int id = e.get(0).asInt();
                    if (e.get(1).asDouble() > twentieth + 2 * slack) {
                        assertThat(ours).as("%s top-20 for '%s'", golden, c.path("prompt").asText()).contains(id);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenModels")
    void greedyContinuationsMatchLlamaCpp(GoldenFile golden) {
        try (Model model = Model.load(golden.model())) {
            double tol = tolerance(model);
            int checked = 0;
            for (JsonNode c : golden.json().path("generation")) {
                int[] prompt = ints(c.path("prompt_ids"));
                assertThat(model.tokenizer().encode(c.path("prompt").asText(), true, false))
                        .as("tokenization of %s", c.path("prompt")).containsExactly(prompt);
                int[] expected = ints(c.path("greedy_ids"));
                JsonNode margins = c.path("top1_margin");
                Session session = new Session(model, 512);
                float[] logits = session.feed(prompt);
                for (int step = 0; step < expected.length; step++) {
                    double scale = Math.abs(c.path("steps_top5").get(step).get(0).get(1).asDouble());
                    if (margins.get(step).asDouble() < tol * Math.max(scale, 1.0)) break; // near-tie: may diverge legitimately
                    int next = argmax(logits);
                    assertThat(next).as("%s prompt '%s' step %d", golden, c.path("prompt").asText(), step).isEqualTo(expected[step]);
                    checked++;
                    logits = session.append(next);
                }
            }
            System.out.printf("%s: %d greedy steps identical%n", golden, checked);
            // random-weight models have frequent near-ties at the 1e-2 tolerance; still, most prompts must get past step 0
            assertThat(checked).as("greedy steps compared").isGreaterThanOrEqualTo(golden.json().path("generation").size());
        }
    }

    private static List<Integer> top(float[] x, int k) {
        List<Integer> ids = new ArrayList<>(IntStream.range(0, x.length).boxed().toList());
        ids.sort(Comparator.comparingDouble((Integer i) -> -x[i]).thenComparingInt(i -> i));
        return ids.subList(0, k);
    }
}
