package dev.jllm.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.engine.gguf.GgufFile;
import dev.jllm.engine.gguf.GgufReader;
import dev.jllm.engine.gguf.GgufTensor;
import dev.jllm.engine.gguf.GgufValue;
import dev.jllm.engine.gguf.GgufWriter;
import dev.jllm.engine.model.ReferenceTransformer.RopePairing;
import dev.jllm.engine.model.ReferenceTransformer.Spec;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks of the reference itself: its rope convention, its window and its reading of the metadata. */
class ReferenceTransformerTest {
    private static final int[] TOKENS = {1, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180};

    @TempDir
    Path dir;

    /**
     * convert_hf_to_gguf stores llama's Q and K rows permuted within each head (row h·d + s·d/2 + j of the Hugging
     * Face weight becomes row h·d + 2j + s), so that rotating adjacent pairs of the GGUF rows equals Hugging Face's
     * rotate_half on the original rows. Undoing the permutation and rotating halves must give the same logits.
     */
    @Test
    void adjacentPairsOnGgufWeightsEqualRotateHalfOnHuggingFaceWeights() {
        TinyModelFile model = TinyModelFile.of("llama").heads(4, 2);
        Path gguf = model.write(dir, "llama.gguf");
        Path hf = dir.resolve("llama-hf-rows.gguf");
        try (GgufFile f = GgufReader.open(gguf)) {
            GgufWriter w = new GgufWriter();
            f.metadata().forEach(w::put);
            for (GgufTensor t : f.tensors().values()) {
                boolean qk = t.name().endsWith("attn_q.weight") || t.name().endsWith("attn_k.weight");
                w.addTensor(t.name(), t.type(), t.shape(), qk ? unpermuteRows(t, model.headSize()) : t.data());
            }
            w.write(hf);
        }
        try (GgufFile a = GgufReader.open(gguf); GgufFile b = GgufReader.open(hf)) {
            double[][] ggufConvention = new ReferenceTransformer(a).logits(TOKENS);
            double[][] hfConvention = new ReferenceTransformer(b, Spec.of(b).withPairing(RopePairing.HALVES)).logits(TOKENS);
            double[][] hfRowsAdjacent = new ReferenceTransformer(b).logits(TOKENS);
            assertThat(ArchitectureReferenceTest.relativeDifference(hfConvention, ggufConvention)).isLessThan(1e-12);
            assertThat(ArchitectureReferenceTest.relativeDifference(hfRowsAdjacent, ggufConvention)).isGreaterThan(1e-2);
        }
    }

    /** The inverse of convert_hf_to_gguf's permute: GGUF row h·d + 2j + s goes back to row h·d + s·d/2 + j. */
    private static MemorySegment unpermuteRows(GgufTensor t, int headSize) {
        int cols = (int) t.shape()[0], rows = (int) t.shape()[1];
        long rowBytes = (long) cols * Float.BYTES;
        MemorySegment out = MemorySegment.ofArray(new byte[(int) (rows * rowBytes)]);
        for (int r = 0; r < rows; r++) {
            int h = r / headSize, within = r % headSize, j = within / 2, s = within % 2;
            int hfRow = h * headSize + s * headSize / 2 + j;
            MemorySegment.copy(t.data(), r * rowBytes, out, hfRow * rowBytes, rowBytes);
        }
        return out;
    }

    /** A query at i sees keys i - window < j <= i: a window as long as the sequence hides nothing, one less does. */
    @Test
    void aWindowAsLongAsTheSequenceHidesNothing() {
        try (GgufFile f = GgufReader.open(TinyModelFile.of("mistral").write(dir, "mistral.gguf"))) {
            Spec full = Spec.of(f);
            double[] none = new ReferenceTransformer(f, full).lastLogits(TOKENS);
            double[] whole = new ReferenceTransformer(f, full.withWindow(TOKENS.length)).lastLogits(TOKENS);
            double[] shorter = new ReferenceTransformer(f, full.withWindow(TOKENS.length - 1)).lastLogits(TOKENS);
            assertThat(whole).containsExactly(none);
            assertThat(ArchitectureReferenceTest.relativeDifference(new double[][] {shorter}, new double[][] {none}))
                    .isGreaterThan(1e-3);
        }
    }

    /** llama.cpp's rope scaling: type defaults to linear, factor from rope.scaling.factor or rope.scale_linear. */
    @Test
    void readsRopeScalingAsLlamaCppDoes() {
        assertThat(positionScale(TinyModelFile.of("llama"))).isEqualTo(1);
        assertThat(positionScale(TinyModelFile.of("llama").archKey("rope.scaling.type", GgufValue.string("linear"))
                .archKey("rope.scaling.factor", GgufValue.float32(4)))).isEqualTo(0.25);
        assertThat(positionScale(TinyModelFile.of("llama").archKey("rope.scaling.factor", GgufValue.float32(4))))
                .isEqualTo(0.25);
        assertThat(positionScale(TinyModelFile.of("llama").archKey("rope.scale_linear", GgufValue.float32(2))))
                .isEqualTo(0.5);
        assertThat(positionScale(TinyModelFile.of("llama").archKey("rope.scaling.type", GgufValue.string("none"))
                .archKey("rope.scaling.factor", GgufValue.float32(4)))).isEqualTo(1);
    }

    /** Only mistral has sliding-window attention; llama.cpp's llama and qwen graphs ignore the key. */
    @Test
    void readsTheSlidingWindowForMistralOnly() {
        assertThat(spec(TinyModelFile.of("mistral").archKey("attention.sliding_window", GgufValue.uint32(4))).window())
                .isEqualTo(4);
        assertThat(spec(TinyModelFile.of("llama").archKey("attention.sliding_window", GgufValue.uint32(4))).window())
                .isZero();
        assertThat(spec(TinyModelFile.of("qwen2").archKey("attention.sliding_window", GgufValue.uint32(4))).window())
                .isZero();
    }

    private double positionScale(TinyModelFile m) {
        return spec(m).positionScale();
    }

    private Spec spec(TinyModelFile m) {
        try (GgufFile f = GgufReader.open(m.write(dir, "spec.gguf"))) {
            return Spec.of(f);
        }
    }
}
