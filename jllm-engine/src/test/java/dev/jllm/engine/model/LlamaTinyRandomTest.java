package dev.jllm.engine.model;

import static dev.jllm.engine.model.ArchitectureReferenceTest.F16_ACTIVATION_EFFECT;
import static dev.jllm.engine.model.ArchitectureReferenceTest.F16_TOLERANCE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jllm.engine.model.ReferenceTransformer.Spec;
import dev.jllm.engine.runtime.Session;
import dev.jllm.engine.testing.SharedFiles;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * models/llama-2-tiny-random (a real converted GGUF: F16, dim 8, one layer, two heads of 4, the 32000-token Llama 2
 * vocabulary) and its reference JSON: 32 greedy ids from BOS computed by a float64 numpy forward pass with the F16
 * weights widened exactly. The JSON calls itself informative only because random logits lie close together, so
 * greedy ids are compared only where they are unambiguous: at steps whose top-1 margin in the exact reference exceeds
 * twice what rounding activations to F16 may move a logit ({@link ArchitectureReferenceTest#F16_ACTIVATION_EFFECT}
 * of max |logit|). The smallest margin on this path is 2.5e-3 of max |logit|, so all 32 steps qualify.
 */
class LlamaTinyRandomTest {
    private static final String DIR = "models/llama-2-tiny-random/";

    private static JsonNode json() throws IOException {
        return new ObjectMapper().readTree(SharedFiles.file(DIR + "llama-2-tiny-random_reference.json").toFile());
    }

    private static int[] ids(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).asInt();
        return r;
    }

    private static int argmax(double[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }

    private static double maxAbs(double[] x) {
        return Arrays.stream(x).map(Math::abs).max().orElseThrow();
    }

    /** The double reference reproduces the independent float64 numpy forward pass, id for id. */
    @Test
    void referenceReproducesTheNumpyGreedyIds() throws IOException {
        JsonNode json = json();
        int[] expected = ids(json.get("greedy_token_ids"));
        try (Model model = Model.load(SharedFiles.file(DIR + "llama-2-tiny-random.gguf"))) {
            ReferenceTransformer reference = new ReferenceTransformer(model.file());
            int[] sequence = ids(json.get("prompt_token_ids"));
            for (int step = 0; step < expected.length; step++) {
                int next = argmax(reference.lastLogits(sequence));
                assertThat(next).as("reference greedy step %d", step).isEqualTo(expected[step]);
                sequence = ArchitectureReferenceTest.concat(sequence, new int[] {next});
            }
        }
    }

    @Test
    void engineGreedyIdsMatchWhereUnambiguous() throws IOException {
        JsonNode json = json();
        int[] expected = ids(json.get("greedy_token_ids"));
        try (Model model = Model.load(SharedFiles.file(DIR + "llama-2-tiny-random.gguf"))) {
            ReferenceTransformer exact = new ReferenceTransformer(model.file());
            ReferenceTransformer ggml = new ReferenceTransformer(model.file(), Spec.of(model.file()).withF16Activations(true));
            Session session = new Session(model, 64);
            int[] sequence = ids(json.get("prompt_token_ids"));
            double[] logits = ArchitectureReferenceTest.widen(session.feed(sequence));
            int compared = 0;
            double smallestMargin = Double.POSITIVE_INFINITY, worstError = 0;
            for (int step = 0; step < expected.length; step++) {
                double[] e = exact.lastLogits(sequence);
                double[] g = ggml.lastLogits(sequence);
                double error = ArchitectureReferenceTest.relativeDifference(new double[][] {logits}, new double[][] {g});
                worstError = Math.max(worstError, error);
                assertThat(error).as("step %d: engine vs reference with F16 activations", step).isLessThanOrEqualTo(F16_TOLERANCE);
                assertThat(ArchitectureReferenceTest.relativeDifference(new double[][] {logits}, new double[][] {e}))
                        .as("step %d: engine vs exact reference", step).isLessThan(F16_ACTIVATION_EFFECT);
                int top = argmax(e);
                double[] rest = e.clone();
                rest[top] = Double.NEGATIVE_INFINITY;
                double margin = (e[top] - rest[argmax(rest)]) / maxAbs(e);
                if (margin <= 2 * F16_ACTIVATION_EFFECT) break;
                smallestMargin = Math.min(smallestMargin, margin);
                int next = argmax(logits);
                assertThat(next).as("engine greedy step %d", step).isEqualTo(expected[step]);
                compared++;
                sequence = ArchitectureReferenceTest.concat(sequence, new int[] {next});
                logits = ArchitectureReferenceTest.widen(session.append(next));
            }
            System.out.printf("llama-2-tiny-random: %d of %d greedy steps unambiguous and equal; smallest margin %.2e of max|logit|,"
                    + " engine vs reference with F16 activations at most %.2e%n", compared, expected.length, smallestMargin, worstError);
            assertThat(compared).isEqualTo(expected.length);
        }
    }
}
