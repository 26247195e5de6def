package dev.jllm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.engine.gguf.GgmlType;
import dev.jllm.engine.model.SyntheticWeights;
import dev.jllm.engine.quant.WeightMatrix;
import java.lang.foreign.Arena;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The benchmarks' matrices hold valid blocks of their type: rows that decode to (nearly) the values drawn. */
class BenchMatricesTest {
    private static final int COLS = 512;

    @ParameterizedTest
    @ValueSource(strings = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void everyRowDecodesCloseToItsRandomValues(String typeName) {
        GgmlType type = GgmlType.valueOf(typeName);
        try (Arena arena = Arena.ofConfined()) {
            WeightMatrix m = BenchMatrices.matrix(arena, type, 130, COLS);
            assertThat(m.type()).isEqualTo(type);
            assertThat(BenchMatrices.bytes(m)).isEqualTo(130 * type.bytesFor(COLS));
            float[] row = new float[COLS];
            for (int r : new int[] {0, 63, 64, 129}) {
                m.dequantizeRow(r, row, 0);
                float[] drawn = SyntheticWeights.uniform(1, "bench." + type, (long) (r % 64) * COLS, COLS, 1 / Math.sqrt(COLS));
                // even 2-bit quantization keeps a row clearly correlated with its values
                assertThat(correlation(row, drawn)).as("row %d", r).isGreaterThan(0.8);
            }
        }
    }

    private static double correlation(float[] a, float[] b) {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }
}
