package dev.jllm.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jllm.engine.gguf.GgmlType;
import dev.jllm.engine.gguf.GgufTensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Matrix-vector and matrix-matrix products for every supported weight type, on matrices quantized here by the
 * reference quantizers: against a double-precision product of the dequantized weights with x as the vec_dot_type
 * sees it, against the plain float product within the derived activation-quantization error, and matMul against
 * repeated matVec.
 */
class WeightMatrixTest {
    private static final int ROWS = 37;
    private static final int COLS = 512;

    record Matrix(WeightMatrix w, MemorySegment data, float[] original) {}

    private static Matrix random(GgmlType type, int rows, int cols, long seed) {
        Random r = new Random(seed);
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) values[i] = (float) (r.nextGaussian() * 0.05);
        MemorySegment data = Formats.quantize(type, values);
        return new Matrix(WeightMatrix.of("test." + type, type, rows, cols, data), data, values);
    }

    private static float[] gaussian(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextGaussian() * 2);
        return x;
    }

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void matVecEqualsTheDoubleProductOfDequantizedWeightsAndConvertedActivations(GgmlType type) {
        Matrix m = random(type, ROWS, COLS, type.id);
        float[] x = gaussian(COLS + 3, 7);
        float[] out = new float[ROWS + 2];
        m.w().matVec(x, 3, out, 2);
        float[] xs = Arrays.copyOfRange(x, 3, COLS + 3);
        double[] expected = ActivationReference.matVec(type, m.data(), ROWS, COLS, xs);
        double[] scale = ActivationReference.magnitudes(type, m.data(), ROWS, COLS, xs);
        for (int r = 0; r < ROWS; r++) {
            assertThat(Math.abs(out[2 + r] - expected[r])).as("row %d: %s vs %s", r, out[2 + r], expected[r])
                    .isLessThanOrEqualTo(ActivationReference.accumulationError(type, COLS) * scale[r]);
        }
        assertThat(new float[] {out[0], out[1]}).as("outputs before outOffset").containsExactly(0f, 0f);
    }

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void matVecStaysWithinTheActivationQuantizationErrorOfTheFloatProduct(GgmlType type) {
        Matrix m = random(type, ROWS, COLS, 100 + type.id);
        float[] x = gaussian(COLS, 8);
        float[] out = new float[ROWS];
        m.w().matVec(x, 0, out, 0);
        double[] bound = ActivationReference.activationErrorBounds(type, m.data(), ROWS, COLS, x);
        float[] row = new float[COLS];
        boolean anyDifference = false;
        for (int r = 0; r < ROWS; r++) {
            m.w().dequantizeRow(r, row, 0);
            double exact = 0;
            double scale = 0;
            for (int i = 0; i < COLS; i++) {
                exact += (double) row[i] * x[i];
                scale += Math.abs((double) row[i] * x[i]);
            }
            assertThat(Math.abs(out[r] - exact)).as("row %d: %s vs %s", r, out[r], exact).isLessThanOrEqualTo(bound[r] + 1e-5 * scale);
            anyDifference |= Math.abs(out[r] - exact) > 1e-5 * scale;
        }
        if (type != GgmlType.F32) assertThat(anyDifference).as("activation conversion visibly changes some results").isTrue();
    }

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void matMulGivesExactlyWhatRepeatedMatVecGives(GgmlType type) {
        Matrix m = random(type, ROWS, COLS, 200 + type.id);
        for (int n : new int[] {1, 3, 17}) {
            float[] x = gaussian(n * COLS, n);
            float[] out = new float[n * ROWS];
            m.w().matMul(x, n, out);
            float[] single = new float[ROWS];
            for (int v = 0; v < n; v++) {
                m.w().matVec(x, v * COLS, single, 0);
                for (int r = 0; r < ROWS; r++) {
                    assertThat(Float.floatToRawIntBits(out[v * ROWS + r])).as("n=%d vector %d row %d", n, v, r)
                            .isEqualTo(Float.floatToRawIntBits(single[r]));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"F32", "Q8_0", "Q4_0", "Q5_1", "Q4_K", "Q6_K"})
    void largeMatricesSplitAcrossThreadsGiveEveryRow(GgmlType type) {
        int rows = 1500;
        int cols = 256;
        Matrix m = random(type, rows, cols, 300 + type.id);
        float[] x = gaussian(cols, 9);
        float[] out = new float[rows];
        m.w().matVec(x, 0, out, 0);
        double[] expected = ActivationReference.matVec(type, m.data(), rows, cols, x);
        double[] scale = ActivationReference.magnitudes(type, m.data(), rows, cols, x);
        for (int r = 0; r < rows; r++) assertThat(Math.abs(out[r] - expected[r])).as("row %d", r).isLessThanOrEqualTo(1e-5 * scale[r]);
        float[] many = new float[5 * rows];
        float[] xs = gaussian(5 * cols, 10);
        m.w().matMul(xs, 5, many);
        for (int v = 0; v < 5; v++) {
            m.w().matVec(xs, v * cols, out, 0);
            float[] xv = Arrays.copyOfRange(xs, v * cols, (v + 1) * cols);
            double[] exp = ActivationReference.matVec(type, m.data(), rows, cols, xv);
            double[] mag = ActivationReference.magnitudes(type, m.data(), rows, cols, xv);
            for (int r = 0; r < rows; r++) {
                assertThat(Math.abs(many[v * rows + r] - exp[r])).as("batch row %d", r).isLessThanOrEqualTo(1e-5 * mag[r]);
                assertThat(many[v * rows + r]).isEqualTo(out[r]);
            }
        }
    }

    @Test
    void rowLengthsThatAreNotAWholeNumberOfLanesUseTheTail() {
        for (GgmlType type : new GgmlType[] {GgmlType.F32, GgmlType.F16, GgmlType.BF16}) {
            for (int cols : new int[] {1, 7, 37, 129}) {
                Matrix m = random(type, 5, cols, cols);
                float[] x = gaussian(cols, cols);
                float[] out = new float[5];
                m.w().matVec(x, 0, out, 0);
                double[] expected = ActivationReference.matVec(type, m.data(), 5, cols, x);
                double[] scale = ActivationReference.magnitudes(type, m.data(), 5, cols, x);
                for (int r = 0; r < 5; r++) {
                    assertThat(Math.abs(out[r] - expected[r])).as("%s cols %d row %d", type, cols, r)
                            .isLessThanOrEqualTo(ActivationReference.accumulationError(type, cols) * scale[r] + 1e-30);
                }
            }
        }
    }

    @Test
    void dequantizeRowReadsTheRequestedRow() {
        Matrix f32 = random(GgmlType.F32, ROWS, COLS, 1);
        float[] row = new float[COLS + 1];
        f32.w().dequantizeRow(ROWS - 1, row, 1);
        assertThat(Arrays.copyOfRange(row, 1, COLS + 1)).containsExactly(Arrays.copyOfRange(f32.original(), (ROWS - 1) * COLS, ROWS * COLS));
        Matrix q = random(GgmlType.Q4_K, ROWS, COLS, 2);
        float[] all = Formats.dequantize(GgmlType.Q4_K, q.data(), ROWS * COLS);
        q.w().dequantizeRow(10, row, 0);
        assertThat(Arrays.copyOf(row, COLS)).containsExactly(Arrays.copyOfRange(all, 10 * COLS, 11 * COLS));
    }

    @Test
    void tensorsMapNe1ToRowsAndNe0ToColumns() {
        MemorySegment data = MemorySegment.ofArray(new byte[(int) GgmlType.Q8_0.bytesFor(64 * 3)]);
        WeightMatrix w = WeightMatrix.of(new GgufTensor("m", GgmlType.Q8_0, new long[] {64, 3}, 0, data));
        assertThat(new int[] {w.rows(), w.cols()}).containsExactly(3, 64);
        assertThat(w.type()).isEqualTo(GgmlType.Q8_0);
        assertThat(w.dotType()).isEqualTo(GgmlType.Q8_0);
        WeightMatrix vector = WeightMatrix.of(new GgufTensor("v", GgmlType.F32, new long[] {10}, 0, MemorySegment.ofArray(new byte[40])));
        assertThat(new int[] {vector.rows(), vector.cols()}).containsExactly(1, 10);
        WeightMatrix trailingOne = WeightMatrix.of(new GgufTensor("t", GgmlType.F16, new long[] {4, 2, 1}, 0, MemorySegment.ofArray(new byte[16])));
        assertThat(new int[] {trailingOne.rows(), trailingOne.cols()}).containsExactly(2, 4);
    }

    @Test
    void vecDotTypesFollowGgml() {
        GgmlType[][] pairs = {
            {GgmlType.F32, GgmlType.F32}, {GgmlType.F16, GgmlType.F16}, {GgmlType.BF16, GgmlType.BF16},
            {GgmlType.Q8_0, GgmlType.Q8_0}, {GgmlType.Q4_0, GgmlType.Q8_0}, {GgmlType.Q5_0, GgmlType.Q8_0},
            {GgmlType.Q4_1, GgmlType.Q8_1}, {GgmlType.Q5_1, GgmlType.Q8_1},
            {GgmlType.Q2_K, GgmlType.Q8_K}, {GgmlType.Q3_K, GgmlType.Q8_K}, {GgmlType.Q4_K, GgmlType.Q8_K},
            {GgmlType.Q5_K, GgmlType.Q8_K}, {GgmlType.Q6_K, GgmlType.Q8_K},
        };
        for (GgmlType[] p : pairs) assertThat(random(p[0], 1, 256, 0).w().dotType()).as(p[0].name()).isEqualTo(p[1]);
        assertThat(WeightMatrix.supportedTypes()).hasSize(pairs.length);
    }

    @Test
    void badShapesAndTypesAreRejectedWithTheTensorsName() {
        MemorySegment bytes = MemorySegment.ofArray(new byte[4096]);
        assertThatThrownBy(() -> WeightMatrix.of("blk.0.ffn_up.weight", GgmlType.Q4_0, 2, 48, bytes.asSlice(0, 54)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blk.0.ffn_up.weight").hasMessageContaining("48").hasMessageContaining("block size 32");
        assertThatThrownBy(() -> WeightMatrix.of(new GgufTensor("odd", GgmlType.Q6_K, new long[] {128, 2}, 0, bytes.asSlice(0, 210))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("odd").hasMessageContaining("256");
        assertThatThrownBy(() -> WeightMatrix.of("ids", GgmlType.I32, 2, 4, bytes.asSlice(0, 32)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ids").hasMessageContaining("I32");
        assertThatThrownBy(() -> WeightMatrix.of("k", GgmlType.Q8_K, 1, 256, bytes.asSlice(0, 292)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Q8_K");
        assertThatThrownBy(() -> WeightMatrix.of("short", GgmlType.Q8_0, 2, 64, bytes.asSlice(0, 100)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("short").hasMessageContaining("100 bytes")
                .hasMessageContaining("136");
        assertThatThrownBy(() -> WeightMatrix.of(new GgufTensor("experts", GgmlType.F32, new long[] {4, 2, 3}, 0, bytes.asSlice(0, 96))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("experts").hasMessageContaining("[4, 2, 3]");
        assertThatThrownBy(() -> WeightMatrix.of("empty", GgmlType.F32, 0, 4, bytes.asSlice(0, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }

    @Test
    void outOfRangeArgumentsAreRejected() {
        WeightMatrix w = random(GgmlType.Q8_0, 4, 64, 3).w();
        assertThatThrownBy(() -> w.matVec(new float[63], 0, new float[4], 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> w.matVec(new float[64], 1, new float[4], 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> w.matVec(new float[64], 0, new float[4], 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> w.matMul(new float[64 * 2 - 1], 2, new float[8])).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> w.matMul(new float[64], 0, new float[8])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> w.dequantizeRow(4, new float[64], 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> w.dequantizeRow(0, new float[64], 1)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
