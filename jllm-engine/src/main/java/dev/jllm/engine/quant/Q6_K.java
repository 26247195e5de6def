package dev.jllm.engine.quant;

import static dev.jllm.engine.quant.RowScratch.f16;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml's Q6_K ({@code block_q6_K}): super-blocks of 256 values in 16 groups of 16. Layout: 128 bytes of low nibbles
 * ({@code ql}), 64 bytes of high 2-bit pairs ({@code qh}), 16 int8 scales, fp16 {@code d}. Value e = 128n + 32k + l
 * takes the low (k < 2) or high (k >= 2) nibble of ql[64n + 32(k % 2) + l] and bits 2k..2k+1 of qh[32n + l];
 * value = d * scale[e / 16] * (q - 32). Dot products read Q8_K activations.
 */
public final class Q6_K {
    public static final int BLOCK_SIZE = 256;
    public static final int BLOCK_BYTES = 210;
    private static final int QH = 128;
    private static final int SCALES = 192;
    private static final int D = 208;

    private Q6_K() {}

    /** ggml's {@code dequantize_row_q6_K}. */
    public static void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        int blocks = Blocks.count(count, BLOCK_SIZE, "Q6_K");
        for (int b = 0; b < blocks; b++) {
            byte[] x = RowScratch.copy(src, offset + (long) b * BLOCK_BYTES, BLOCK_BYTES);
            int o = 0;
            float d = f16(x, o + D);
            int y = dstOffset + b * BLOCK_SIZE;
            for (int g = 0; g < 16; g++) {
                float dl = d * x[o + SCALES + g];
                for (int l = 0; l < 16; l++) dst[y + 16 * g + l] = dl * quant(x, o, 16 * g + l);
            }
        }
    }

    /** The signed 6-bit quant of value {@code e} (0..255) of the super-block at {@code x[o]}. */
    private static int quant(byte[] x, int o, int e) {
        int n = e / 128;
        int k = (e % 128) / 32;
        int l = e % 32;
        int low = ((x[o + 64 * n + 32 * (k % 2) + l] & 0xFF) >>> (4 * (k / 2))) & 0xF;
        int high = ((x[o + QH + 32 * n + l] & 0xFF) >>> (2 * k)) & 3;
        return (low | high << 4) - 32;
    }

    /**
     * ggml's reference quantizer {@code quantize_row_q6_K_ref}: per group a symmetric scale (18 candidates, x²
     * weights), scales quantized to int8 against the super-block's largest, then the values re-quantized.
     */
    public static void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int count) {
        int blocks = Blocks.count(count, BLOCK_SIZE, "Q6_K");
        byte[] L = new byte[BLOCK_SIZE];
        float[] scales = new float[16];
        byte[] y = new byte[BLOCK_BYTES];
        for (int b = 0; b < blocks; b++) {
            int x = srcOffset + b * BLOCK_SIZE;
            float maxScale = 0;
            float maxAbsScale = 0;
            for (int ib = 0; ib < 16; ++ib) {
                float scale = ScaleSearch.symmetric(16, 32, src, x + 16 * ib, L, 16 * ib);
                scales[ib] = scale;
                if (Math.abs(scale) > maxAbsScale) {
                    maxAbsScale = Math.abs(scale);
                    maxScale = scale;
                }
            }
            Arrays.fill(y, (byte) 0);
            if (maxAbsScale >= ScaleSearch.GROUP_MAX_EPS) {
                float iscale = -128.f / maxScale;
                short d = Float.floatToFloat16(1 / iscale);
                y[D] = (byte) d;
                y[D + 1] = (byte) (d >> 8);
                for (int ib = 0; ib < 16; ++ib) y[SCALES + ib] = (byte) Math.min(127, Blocks.nearestInt(iscale * scales[ib]));
                for (int j = 0; j < 16; ++j) {
                    float dl = Float.float16ToFloat(d) * y[SCALES + j];
                    if (dl == 0) continue;
                    for (int ii = 0; ii < 16; ++ii) {
                        L[16 * j + ii] = (byte) (Math.max(-32, Math.min(31, Blocks.nearestInt(src[x + 16 * j + ii] / dl))) + 32);
                    }
                }
                for (int j = 0; j < BLOCK_SIZE; j += 128) {
                    int ql = j / 2;
                    int qh = QH + j / 4;
                    for (int l = 0; l < 32; ++l) {
                        y[ql + l] = (byte) ((L[j + l] & 0xF) | ((L[j + l + 64] & 0xF) << 4));
                        y[ql + l + 32] = (byte) ((L[j + l + 32] & 0xF) | ((L[j + l + 96] & 0xF) << 4));
                        y[qh + l] = (byte) ((L[j + l] >> 4) | ((L[j + l + 32] >> 4) << 2) | ((L[j + l + 64] >> 4) << 4) | ((L[j + l + 96] >> 4) << 6));
                    }
                }
            }
            MemorySegment.copy(MemorySegment.ofArray(y), 0, dst, dstOffset + (long) b * BLOCK_BYTES, BLOCK_BYTES);
        }
    }

    /** Dot products with Q8_K activations, per {@code ggml_vec_dot_q6_K_q8_K}. */
    static final SuperBlockDot DOT = new SuperBlockDot(BLOCK_BYTES) {
        @Override
        int scalarBlockSum(byte[] row, int o, byte[] q, int qb) {
            int isum = 0;
            for (int g = 0; g < 16; g++) {
                int groupSum = 0;
                for (int l = 0; l < 16; l++) groupSum += q[qb + 16 * g + l] * quant(row, o, 16 * g + l);
                isum += row[o + SCALES + g] * groupSum;
            }
            return isum;
        }

        @Override
        int vectorBlockSum(byte[] row, int o, byte[] q, int qb) {
            int sum = 0;
            for (int k = 0; k < 4; k++) sum += quarterSum(row, o, q, qb, k);
            return sum;
        }

        @Override
        float combine(byte[] row, int o, Activations x, int xBlock, int isum) {
            return (f16(row, o + D) * x.scales[xBlock]) * isum;
        }
    };

    /**
     * The share of values 128n + 32k + l (n = 0, 1; l < 32): one quarter per call keeps the compiled loop small
     * enough for C2 to inline every vector operation.
     */
    private static int quarterSum(byte[] row, int o, byte[] q, int qb, int k) {
        IntVector acc = IntVector.zero(Simd.I);
        int lowShift = 4 * (k / 2);
        int highShift = 2 * k;
        for (int n = 0; n < 2; n++) {
            for (int l = 0; l < 32; l += Simd.LANES) {
                IntVector low = Simd.bytes(row, o + 64 * n + 32 * (k % 2) + l).lanewise(VectorOperators.ASHR, lowShift).and(0xF);
                IntVector high = Simd.bytes(row, o + QH + 32 * n + l).lanewise(VectorOperators.ASHR, highShift).and(3);
                IntVector quant = low.or(high.lanewise(VectorOperators.LSHL, 4)).sub(32);
                int scale = row[o + SCALES + 8 * n + 2 * k + l / 16];
                acc = acc.add(quant.mul(Simd.bytes(q, qb + 128 * n + 32 * k + l)).mul(scale));
            }
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }
}
