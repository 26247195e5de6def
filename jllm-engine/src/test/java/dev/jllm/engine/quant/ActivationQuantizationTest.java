package dev.jllm.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Conversion of activations to the vec_dot_types. Q8_0 and Q8_1 follow ggml-cpu's x86 AVX quantize_row_q8_0/q8_1
 * (multiplier 127/amax, round half to even), which differs from the reference quantizers on ties; Q8_K is the
 * reference quantizer; F16 and BF16 round to nearest even.
 */
class ActivationQuantizationTest {

    private static Activations convert(GgmlType type, float[] x) {
        Activations a = new Activations(type);
        a.resize(x.length, 1);
        a.set(0, x, 0);
        return a;
    }

    @Test
    void q8_0ActivationsRoundHalfToEvenUnlikeTheReferenceQuantizer() {
        float[] x = Arrays.copyOf(new float[] {127, 2.5f, -2.5f, 0.5f, -0.5f, 1.5f, 3.5f}, 32);
        Activations a = convert(GgmlType.Q8_0, x);
        assertThat(Arrays.copyOf(a.quants, 7)).containsExactly(127, 2, -2, 0, 0, 2, 4);
        assertThat(a.scales[0]).isEqualTo(1f);
        byte[] reference = Formats.quantize(GgmlType.Q8_0, x).asSlice(2, 7).toArray(ValueLayout.JAVA_BYTE);
        assertThat(reference).containsExactly(127, 3, -3, 1, -1, 2, 4);
    }

    @Test
    void q8_0ActivationsScaleBy127OverAmax() {
        // amax = 3: the AVX path multiplies by 127/3 = 42.333332; the reference multiplies by 1/(3/127) = 42.33333.
        // x = 1.5 * 3/127-steps apart from ties... just check against the formula with that multiplier
        Random r = new Random(5);
        float[] x = new float[64];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        Activations a = convert(GgmlType.Q8_0, x);
        for (int b = 0; b < 2; b++) {
            float amax = 0;
            for (int i = 32 * b; i < 32 * b + 32; i++) amax = Math.max(amax, Math.abs(x[i]));
            float id = 127.f / amax;
            assertThat(a.scales[b]).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(amax / 127.f)));
            for (int i = 32 * b; i < 32 * b + 32; i++) assertThat((int) a.quants[i]).isEqualTo((int) Math.rint(x[i] * id));
        }
    }

    @Test
    void q8_1ActivationsCarryTheSumScaledByTheUnroundedScale() {
        Random r = new Random(6);
        float[] x = new float[96];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * 3 + 1);
        Activations a = convert(GgmlType.Q8_1, x);
        Activations q8_0 = convert(GgmlType.Q8_0, x);
        assertThat(a.quants).startsWith(Arrays.copyOf(q8_0.quants, 96));
        for (int b = 0; b < 3; b++) {
            float amax = 0;
            int sum = 0;
            for (int i = 32 * b; i < 32 * b + 32; i++) {
                amax = Math.max(amax, Math.abs(x[i]));
                sum += a.quants[i];
            }
            assertThat(a.scales[b]).isEqualTo(q8_0.scales[b]);
            assertThat(a.blockSums[b]).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(amax / 127.f * sum)));
        }
    }

    @Test
    void q8_KActivationsAreTheReferenceQuantizersBlocks() {
        Random r = new Random(7);
        float[] x = new float[512];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        x[300] = 0; // a block with its largest value negative and one with it positive are both likely; force a zero too
        Activations a = convert(GgmlType.Q8_K, x);
        MemorySegment ref = Formats.quantize(GgmlType.Q8_K, x);
        for (int b = 0; b < 2; b++) {
            long o = 292L * b;
            assertThat(a.scales[b]).isEqualTo(ref.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), o));
            assertThat(Arrays.copyOfRange(a.quants, 256 * b, 256 * b + 256)).containsExactly(ref.asSlice(o + 4, 256).toArray(ValueLayout.JAVA_BYTE));
            for (int g = 0; g < 16; g++) {
                int sum = 0;
                for (int i = 0; i < 16; i++) sum += a.quants[256 * b + 16 * g + i];
                assertThat((int) a.groupSums[16 * b + g]).as("block %d group %d", b, g).isEqualTo(sum);
            }
        }
    }

    @Test
    void q8_KKeepsAllZeroBlocksAtZero() {
        float[] x = new float[512];
        x[400] = 1;
        Activations a = convert(GgmlType.Q8_K, x);
        assertThat(a.scales[0]).isZero();
        for (int i = 0; i < 256; i++) assertThat(a.quants[i]).isZero();
        for (int g = 0; g < 16; g++) assertThat(a.groupSums[g]).isZero();
        assertThat(a.quants[400]).isEqualTo((byte) -127);
    }

    @Test
    void buffersAreReusedPerThreadAndGrowOnDemand() {
        Activations small = Activations.forThread(GgmlType.Q8_K, 256, 1);
        Activations large = Activations.forThread(GgmlType.Q8_K, 256, 4);
        assertThat(large).isSameAs(small);
        assertThat(large.quants.length).isGreaterThanOrEqualTo(1024);
        assertThat(large.groupSums.length).isGreaterThanOrEqualTo(64);
        assertThat(Activations.forThread(GgmlType.Q8_0, 64, 1)).isNotSameAs(small);
    }
}
