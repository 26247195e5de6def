package dev.jllm.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.engine.gguf.GgmlType;
import dev.jllm.engine.gguf.GgufFile;
import dev.jllm.engine.gguf.GgufReader;
import dev.jllm.engine.gguf.GgufTensor;
import dev.jllm.engine.testing.SharedFiles;
import dev.jllm.engine.model.SyntheticWeights;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The micro models in shared/models/synthetic-micro were made by llama.cpp's {@code llama-quantize --pure} from an
 * F32 model of gen_synthetic_gguf.py (seed 7, dim 256), whose weights {@link SyntheticWeights} recomputes. So every
 * matrix can be checked against the exact values it was quantized from: ggml's reference quantizers must reproduce
 * the file's bytes, dequantization must land within the type's quantization step of the originals, and matVec must
 * agree with a dot product of the dequantized rows.
 */
class MicroModelTensorsTest {
    private static final long SEED = 7;
    private static final int DIM = 256;
    /**
     * Bits per value: an ideal b-bit uniform quantizer of uniform weights has relative RMS error 2^-b; ggml's stay
     * within 25% of that. A misread layout gives errors near 1.
     */
    private static final Map<GgmlType, Integer> BITS = Map.of(GgmlType.F16, 11, GgmlType.BF16, 8, GgmlType.Q4_1, 4,
            GgmlType.Q5_0, 5, GgmlType.Q5_1, 5, GgmlType.Q2_K, 2, GgmlType.Q3_K, 3, GgmlType.Q4_K, 4, GgmlType.Q5_K, 5,
            GgmlType.Q6_K, 6);

    private static List<GgufTensor> matrices(GgufFile f) {
        List<GgufTensor> m = f.tensors().values().stream().filter(t -> t.shape().length == 2).toList();
        assertThat(m).as("matrices of %s", f.path()).hasSize(2 + 2 * 7);
        return m;
    }

    private static GgufFile open(String model) {
        return GgufReader.open(SharedFiles.file("models/synthetic-micro/micro-" + model + ".gguf"));
    }

    private static float[] original(GgufTensor t) {
        int n = (int) t.elementCount();
        return SyntheticWeights.uniform(SEED, t.name(), 0, n, SyntheticWeights.defaultStd(t.name(), t.shape()[0], DIM));
    }

    @ParameterizedTest
    @ValueSource(strings = {"f16", "bf16", "q4_1", "q5_0", "q5_1", "q2_k", "q3_k_m", "q4_k_m", "q5_k_m", "q6_k"})
    void referenceQuantizersReproduceLlamaQuantize(String model) {
        try (GgufFile f = open(model); Arena arena = Arena.ofConfined()) {
            for (GgufTensor t : matrices(f)) {
                MemorySegment ours = arena.allocate(t.byteSize());
                assertThat(ReferenceQuantizers.quantize(t.type(), original(t), 0, ours, 0, (int) t.elementCount()))
                        .as("a reference quantizer for %s", t.type()).isTrue();
                assertThat(ours.mismatch(t.data())).as("first differing byte of %s (%s)", t.name(), t.type()).isEqualTo(-1L);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"f16", "bf16", "q4_1", "q5_0", "q5_1", "q2_k", "q3_k_m", "q4_k_m", "q5_k_m", "q6_k"})
    void dequantizedRowsStayWithinTheQuantizationStep(String model) {
        try (GgufFile f = open(model)) {
            for (GgufTensor t : matrices(f)) {
                WeightMatrix w = WeightMatrix.of(t);
                assertThat(w.cols()).isEqualTo(t.shape()[0]);
                assertThat(w.rows()).isEqualTo(t.shape()[1]);
                float[] x = original(t);
                float[] row = new float[w.cols()];
                double err = 0;
                double norm = 0;
                for (int r = 0; r < w.rows(); r++) {
                    w.dequantizeRow(r, row, 0);
                    for (int i = 0; i < row.length; i++) {
                        double e = row[i] - x[r * w.cols() + i];
                        err += e * e;
                        norm += x[r * w.cols() + i] * (double) x[r * w.cols() + i];
                    }
                }
                assertThat(Math.sqrt(err / norm)).as("relative RMS error of %s (%s)", t.name(), t.type())
                        .isLessThan(1.25 * Math.scalb(1.0, -BITS.get(t.type())));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"f16", "bf16", "q4_1", "q5_0", "q5_1", "q2_k", "q3_k_m", "q4_k_m", "q5_k_m", "q6_k"})
    void matVecAgreesWithDequantizedRows(String model) {
        Random random = new Random(model.hashCode());
        try (GgufFile f = open(model)) {
            for (String name : List.of("blk.0.attn_q.weight", "blk.0.attn_k.weight", "blk.1.ffn_down.weight", "output.weight")) {
                GgufTensor t = f.tensor(name);
                WeightMatrix w = WeightMatrix.of(t);
                float[] x = new float[w.cols()];
                for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
                float[] out = new float[w.rows()];
                w.matVec(x, 0, out, 0);
                double[] expected = ActivationReference.matVec(t.type(), t.data(), w.rows(), w.cols(), x);
                double[] scale = ActivationReference.magnitudes(t.type(), t.data(), w.rows(), w.cols(), x);
                for (int r = 0; r < w.rows(); r++) {
                    assertThat(Math.abs(out[r] - expected[r])).as("%s row %d: %s vs %s", name, r, out[r], expected[r])
                            .isLessThanOrEqualTo(ActivationReference.accumulationError(t.type(), w.cols()) * scale[r]);
                }
            }
        }
    }
}
