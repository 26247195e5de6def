package dev.jllm.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.Float16;
import org.junit.jupiter.api.Test;

/**
 * F16 dot products in half precision, as ggml_vec_dot_f16 runs on AVX512-FP16 CPUs, checked against the JDK's
 * {@link Float16} arithmetic (each operation exactly rounded once to F16).
 */
class HalfPrecisionDotTest {

    @Test
    void roundToHalfIsFloat16Rounding() {
        Random random = new Random(3);
        double[] vector = new double[DoubleVector.SPECIES_PREFERRED.length()];
        for (int i = 0; i < 400_000; i++) {
            double d = switch (i % 4) {
                case 0 -> { // halfway between two neighbouring halves: ties go to even
                    short h = (short) (random.nextInt(0x7BFF) | (random.nextBoolean() ? 0x8000 : 0));
                    yield ((double) Float.float16ToFloat(h) + Float.float16ToFloat((short) (h + 1))) / 2;
                }
                case 1 -> random.nextGaussian() * Math.scalb(1.0, random.nextInt(50) - 30);
                case 2 -> random.nextGaussian() * 70000;
                default -> Float.float16ToFloat((short) random.nextInt(0x7C00)) + random.nextGaussian() * 0x1p-30;
            };
            double expected = Float16.valueOf(d).doubleValue();
            assertThat(F16.roundToHalf(d)).as("%s", d).isEqualTo(expected);
            vector[i % vector.length] = d;
            if (i % vector.length == vector.length - 1) {
                double[] rounded = F16.roundToHalf(DoubleVector.fromArray(DoubleVector.SPECIES_PREFERRED, vector, 0)).toArray();
                for (int l = 0; l < vector.length; l++) assertThat(rounded[l]).as("lane %s", vector[l]).isEqualTo(F16.roundToHalf(vector[l]));
            }
        }
        assertThat(F16.roundToHalf(65520.0)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(F16.roundToHalf(-65519.0)).isEqualTo(-65504.0);
        assertThat(F16.roundToHalf(0x1p-25)).isEqualTo(0.0);
        assertThat(F16.roundToHalf(0x1.8p-25)).isEqualTo(0x1p-24);
    }

    @Test
    void dotRoundsEveryAccumulationToF16InGgmlsOrder() {
        for (int cols : new int[] {128, 133, 256, 1000}) {
            MemorySegment weights = halves(cols, cols);
            float[] x = new float[cols];
            Random random = new Random(cols + 1);
            for (int i = 0; i < cols; i++) x[i] = random.nextFloat() * 4 - 2;
            Activations a = new Activations(GgmlType.F16);
            a.resize(cols, 1);
            a.set(0, x, 0);
            float expected = reference(weights, a.values, cols);
            assertThat(F16.dotScalar(weights, 0, a, 0, cols)).as("scalar, %d values", cols).isEqualTo(expected);
            if (Simd.ENABLED) assertThat(F16.dotVector(weights, 0, a, 0, cols)).as("vector, %d values", cols).isEqualTo(expected);
            double exact = 0, magnitude = 0;
            for (int i = 0; i < cols; i++) {
                double p = (double) Float.float16ToFloat(weights.getAtIndex(LittleEndian.SHORT, i)) * a.values[i];
                exact += p;
                magnitude += Math.abs(p);
            }
            assertThat(Math.abs(expected - exact)).as("F16 accumulation, not float").isGreaterThan(1e-5 * magnitude);
        }
    }

    /**
     * ggml_vec_dot_f16 with GGML_F16_VEC = __m512h: 4 x 32 lanes of _mm512_fmadd_ph over steps of 128, sum[0] +=
     * sum[2], sum[1] += sum[3], sum[0] += sum[1], _mm512_reduce_add_ph (halving), then the rest in double.
     */
    private static float reference(MemorySegment w, float[] x, int n) {
        int np = n & ~127;
        Float16[] acc = new Float16[128];
        java.util.Arrays.fill(acc, Float16.valueOf(0f));
        for (int i = 0; i < np; i += 128) {
            for (int k = 0; k < 128; k++) {
                Float16 wi = Float16.shortBitsToFloat16(w.getAtIndex(LittleEndian.SHORT, i + k));
                acc[k] = Float16.fma(wi, Float16.valueOf(x[i + k]), acc[k]);
            }
        }
        double sum = 0;
        if (np > 0) {
            Float16[] lanes = new Float16[32];
            for (int l = 0; l < 32; l++) lanes[l] = Float16.add(Float16.add(acc[l], acc[64 + l]), Float16.add(acc[32 + l], acc[96 + l]));
            for (int width = 16; width >= 1; width /= 2) {
                for (int l = 0; l < width; l++) lanes[l] = Float16.add(lanes[l], lanes[l + width]);
            }
            sum = lanes[0].doubleValue();
        }
        for (int i = np; i < n; i++) sum += Float.float16ToFloat(w.getAtIndex(LittleEndian.SHORT, i)) * x[i];
        return (float) sum;
    }

    private static MemorySegment halves(int n, long seed) {
        Random random = new Random(seed);
        MemorySegment s = MemorySegment.ofArray(new byte[2 * n]);
        for (int i = 0; i < n; i++) s.setAtIndex(LittleEndian.SHORT, i, Float.floatToFloat16((float) random.nextGaussian()));
        return s;
    }
}
