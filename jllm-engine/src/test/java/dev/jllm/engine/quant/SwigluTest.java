package dev.jllm.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The vectorized {@link GgmlFloat#swiglu} against its definition value by value: groups of 16 take ggml_v_expf's
 * silu ({@link GgmlFloat#silu}), the tail glibc's ({@link GgmlFloat#siluScalar}), over magnitudes from tiny to
 * beyond expf's range (where lanes fall back to the scalar edge cases).
 */
class SwigluTest {
    @Test
    void vectorGroupsGiveTheScalarDefinitionsBits() {
        Random random = new Random(5);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + random.nextInt(300);
            int offset = random.nextInt(8);
            double scale = Math.pow(10, random.nextInt(6) - 3) * (trial % 10 == 0 ? 100 : 1);
            float[] x = new float[offset + n], g = new float[offset + n], y = new float[offset + n];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (random.nextGaussian() * scale);
                g[i] = (float) random.nextGaussian();
            }
            if (trial % 7 == 0) x[offset + random.nextInt(n)] = trial % 2 == 0 ? Float.NaN : -0f;
            GgmlFloat.swiglu(x, g, y, offset, n);
            int vectorEnd = n & ~15;
            for (int i = 0; i < n; i++) {
                float xi = x[offset + i];
                float expected = (i < vectorEnd ? GgmlFloat.silu(xi) : GgmlFloat.siluScalar(xi)) * g[offset + i];
                assertThat(Float.floatToIntBits(y[offset + i])).as("trial %d, value %d: x=%s", trial, i, xi).isEqualTo(Float.floatToIntBits(expected));
            }
        }
    }
}
