package dev.jllm.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.engine.gguf.GgmlType;
import dev.jllm.engine.gguf.GgufValue;
import dev.jllm.engine.model.ReferenceTransformer.RopePairing;
import dev.jllm.engine.model.ReferenceTransformer.Spec;
import dev.jllm.engine.runtime.ForwardPass;
import dev.jllm.engine.runtime.KvCache;
import dev.jllm.engine.runtime.Session;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every architecture switch of the engine against {@link ReferenceTransformer}, on tiny random models written by
 * {@link TinyModelFile}: the engine runs a multi-token prompt through {@link Session#feed} (one batch) and then appends
 * single tokens; at every step its logits must equal the reference's within {@link #TOLERANCE} (max abs error over
 * max |logit|). Each feature test also shows that the reference with that feature turned off lands far away
 * ({@link #MATTERS}, 1000 times the tolerance), so that a match cannot come from a feature that does nothing.
 */
class ArchitectureReferenceTest {
    /** Float32 engine against the double reference. */
    static final double TOLERANCE = 1e-5;
    /**
     * With F16 matrices, against the reference that rounds activations to F16 as ggml does: 10 times the F32 tolerance,
     * because an activation within float error of a half-precision rounding boundary may round either way.
     */
    static final double F16_TOLERANCE = 10 * TOLERANCE;
    /** With F16 matrices, against the exact reference: what rounding activations to F16 may cost. */
    static final double F16_ACTIVATION_EFFECT = 1e-3;
    /** How far a feature must move the logits for its test to mean something. */
    static final double MATTERS = 1e-2;
    /** 12 prompt tokens (BOS, "▁Hi,▁jllm!!" a character each), then 4 single-token steps ("▁ok?"): 16 positions. */
    static final String PROMPT = "Hi, jllm!!";
    static final String CONTINUATION = "ok?";

    @TempDir
    Path dir;

    /** The engine's logits after the prompt and after each continuation token, and the reference's for the same. */
    record Steps(double[][] engine, double[][] reference) {
        double error() {
            return relativeDifference(engine, reference);
        }
    }

    static double relativeDifference(double[][] actual, double[][] expected) {
        double worst = 0;
        for (int s = 0; s < expected.length; s++) {
            double maxRef = 0, maxErr = 0;
            for (int i = 0; i < expected[s].length; i++) {
                maxRef = Math.max(maxRef, Math.abs(expected[s][i]));
                maxErr = Math.max(maxErr, Math.abs(actual[s][i] - expected[s][i]));
            }
            worst = Math.max(worst, maxErr / maxRef);
        }
        return worst;
    }

    static int[] prompt(Model m) {
        return m.tokenizer().encode(PROMPT, true, false);
    }

    static int[] continuation(Model m) {
        return m.tokenizer().encode(CONTINUATION, false, false);
    }

    static double[] widen(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }

    /** Runs the engine, and the reference with {@code specChange} applied to the file's spec, over the same tokens. */
    static Steps run(Path file, UnaryOperator<Spec> specChange) {
        try (Model model = Model.load(file)) {
            int[] prompt = prompt(model), next = continuation(model);
            int[] all = concat(prompt, next);
            double[][] engine = new double[1 + next.length][];
            Session session = new Session(model, 32);
            engine[0] = widen(session.feed(prompt));
            for (int i = 0; i < next.length; i++) engine[1 + i] = widen(session.append(next[i]));
            double[][] reference = referenceSteps(model, specChange, all, prompt.length);
            return new Steps(engine, reference);
        }
    }

    static double[][] referenceOnly(Path file, UnaryOperator<Spec> specChange) {
        try (Model model = Model.load(file)) {
            int[] prompt = prompt(model);
            return referenceSteps(model, specChange, concat(prompt, continuation(model)), prompt.length);
        }
    }

    static double[][] referenceSteps(Model model, UnaryOperator<Spec> specChange, int[] all, int promptLength) {
        Spec spec = specChange.apply(Spec.of(model.file()));
        double[][] every = new ReferenceTransformer(model.file(), spec).logits(all);
        return Arrays.copyOfRange(every, promptLength - 1, all.length);
    }

    static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** Asserts that the engine matches the reference, and that the reference with {@code off} does not. */
    private Steps assertMatchesAndMatters(Path file, String feature, UnaryOperator<Spec> off) {
        Steps s = run(file, UnaryOperator.identity());
        double offDistance = relativeDifference(referenceOnly(file, off), s.reference());
        System.out.printf("%s: engine vs reference %.2e; reference without %s moves %.2e%n", file.getFileName(), s.error(),
                feature, offDistance);
        assertThat(s.error()).as("%s: engine vs reference", file.getFileName()).isLessThanOrEqualTo(TOLERANCE);
        assertThat(offDistance).as("%s: effect of %s", file.getFileName(), feature).isGreaterThan(MATTERS);
        return s;
    }

    private Steps assertMatches(Path file) {
        Steps s = run(file, UnaryOperator.identity());
        System.out.printf("%s: engine vs reference %.2e%n", file.getFileName(), s.error());
        assertThat(s.error()).as("%s: engine vs reference", file.getFileName()).isLessThanOrEqualTo(TOLERANCE);
        return s;
    }

    @Test
    void llamaRotatesAdjacentPairs() {
        Path file = TinyModelFile.of("llama").write(dir, "llama.gguf");
        assertMatchesAndMatters(file, "adjacent pairs", s -> s.withPairing(RopePairing.HALVES));
    }

    @Test
    void llamaWithTiedEmbeddingsUsesTokenEmbdAsOutput() {
        Path tied = TinyModelFile.of("llama").tied().write(dir, "llama-tied.gguf");
        Steps s = assertMatches(tied);
        double[][] untied = referenceOnly(TinyModelFile.of("llama").write(dir, "llama.gguf"), UnaryOperator.identity());
        assertThat(relativeDifference(untied, s.reference())).isGreaterThan(MATTERS);
    }

    @ParameterizedTest(name = "{0} heads, {1} kv heads")
    @CsvSource({"4, 4", "4, 2", "4, 1", "8, 2"})
    void groupedQueryAttention(int heads, int kvHeads) {
        assertMatches(TinyModelFile.of("llama").heads(heads, kvHeads).write(dir, "llama-" + heads + "-" + kvHeads + ".gguf"));
    }

    @Test
    void llama3RopeFreqsDivideTheFrequencies() {
        Path file = TinyModelFile.of("llama").ropeFreqs().write(dir, "llama3.gguf");
        assertMatchesAndMatters(file, "rope_freqs", Spec::withoutRopeFreqFactors);
    }

    @Test
    void linearRopeScalingDividesPositions() {
        Path file = TinyModelFile.of("llama").archKey("rope.scaling.type", GgufValue.string("linear"))
                .archKey("rope.scaling.factor", GgufValue.float32(4f)).write(dir, "llama-linear.gguf");
        assertMatchesAndMatters(file, "linear scaling", s -> s.withPositionScale(1));
    }

    /** llama.cpp's rope scaling type defaults to linear, so a factor alone scales; rope.scale_linear is its old name. */
    @ParameterizedTest
    @ValueSource(strings = {"rope.scaling.factor", "rope.scale_linear"})
    void aScalingFactorWithoutATypeIsLinear(String key) {
        Path file = TinyModelFile.of("llama").archKey(key, GgufValue.float32(4f)).write(dir, "llama-factor.gguf");
        assertMatchesAndMatters(file, "linear scaling", s -> s.withPositionScale(1));
    }

    @Test
    void scalingTypeNoneIgnoresTheFactor() {
        assertMatches(TinyModelFile.of("llama").archKey("rope.scaling.type", GgufValue.string("none"))
                .archKey("rope.scaling.factor", GgufValue.float32(4f)).write(dir, "llama-none.gguf"));
    }

    /** llama.cpp's llama, qwen2 and qwen3 graphs attend to the whole context whatever attention.sliding_window says. */
    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "qwen3"})
    void onlyMistralHasASlidingWindow(String arch) {
        Path file = TinyModelFile.of(arch).archKey("attention.sliding_window", GgufValue.uint32(4))
                .write(dir, arch + "-window-key.gguf");
        assertMatchesAndMatters(file, "ignoring the window", s -> s.withWindow(4));
    }

    @Test
    void mistralSlidingWindowLimitsAttention() {
        Path windowed = TinyModelFile.of("mistral").archKey("attention.sliding_window", GgufValue.uint32(4))
                .write(dir, "mistral-window4.gguf");
        assertMatchesAndMatters(windowed, "the window", spec -> spec.withWindow(0));
        assertMatches(TinyModelFile.of("mistral").write(dir, "mistral-full.gguf"));
    }

    @Test
    void qwen2AddsBiasesAndRotatesHalves() {
        Path file = TinyModelFile.of("qwen2").tied().write(dir, "qwen2.gguf");
        assertMatchesAndMatters(file, "biases", Spec::withoutQkvBias);
        assertMatchesAndMatters(file, "rotating halves", s -> s.withPairing(RopePairing.ADJACENT));
    }

    @Test
    void qwen3NormalizesQueryAndKeyHeads() {
        // Qwen 3 heads are wider than dim / heads (e.g. 0.6B: dim 1024, 16 heads of 128)
        Path file = TinyModelFile.of("qwen3").headSize(16).write(dir, "qwen3.gguf");
        assertMatchesAndMatters(file, "q/k norm", Spec::withoutQkNorm);
        assertMatchesAndMatters(file, "rotating halves", s -> s.withPairing(RopePairing.ADJACENT));
    }

    /**
     * F16 matrices: ggml rounds the activations to F16 before F16 dot products (vec_dot_type), and so does the
     * engine, so it matches the reference that does the same; the exact reference, which keeps activations in
     * double, is further away.
     */
    @Test
    void f16WeightsWithHalfPrecisionActivations() {
        Path file = TinyModelFile.of("llama").matrices(GgmlType.F16).write(dir, "llama-f16.gguf");
        Steps ggml = run(file, s -> s.withF16Activations(true));
        double exact = relativeDifference(ggml.engine(), referenceOnly(file, UnaryOperator.identity()));
        System.out.printf("llama-f16.gguf: engine vs reference with F16 activations %.2e, vs exact reference %.2e%n",
                ggml.error(), exact);
        assertThat(ggml.error()).isLessThanOrEqualTo(F16_TOLERANCE);
        assertThat(exact).isGreaterThan(2 * F16_TOLERANCE).isLessThan(F16_ACTIVATION_EFFECT);
    }

    /** A prompt longer than the batch goes through in chunks of 5, attending across chunk borders within the window. */
    @Test
    void promptInChunksWithASlidingWindow() {
        Path file = TinyModelFile.of("mistral").archKey("attention.sliding_window", GgufValue.uint32(4))
                .write(dir, "mistral-window4.gguf");
        try (Model model = Model.load(file)) {
            int[] all = concat(prompt(model), continuation(model));
            ForwardPass fp = new ForwardPass(model, 5);
            double[] engine = widen(fp.forward(new KvCache(model.config(), 32), all, 0));
            double[] reference = new ReferenceTransformer(model.file()).lastLogits(all);
            double err = relativeDifference(new double[][] {engine}, new double[][] {reference});
            System.out.printf("chunks of 5: %.2e%n", err);
            assertThat(err).isLessThanOrEqualTo(TOLERANCE);
        }
    }
}
