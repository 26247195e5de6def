package dev.jllm.engine.quant;

import static dev.jllm.engine.quant.RowScratch.f16;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml's Q2_K ({@code block_q2_K}): super-blocks of 256 values in 16 groups of 16. Layout: 16 bytes of scales (low
 * nibble: scale, high nibble: min, of group g), 64 bytes of 2-bit quants, fp16 {@code d}, fp16 {@code dmin}. Value
 * e = 128k + 32j + l has quant (qs[32k + l] >> 2j) & 3 and group e / 16; value = d * scale * q - dmin * min.
 * Dot products read Q8_K activations.
 */
public final class Q2_K {
    public static final int BLOCK_SIZE = 256;
    public static final int BLOCK_BYTES = 84;
    private static final int QS = 16;
    private static final int D = 80;
    private static final int DMIN = 82;

    private Q2_K() {}

    /** ggml's {@code dequantize_row_q2_K}. */
    public static void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        int blocks = Blocks.count(count, BLOCK_SIZE, "Q2_K");
        for (int b = 0; b < blocks; b++) {
            byte[] x = RowScratch.copy(src, offset + (long) b * BLOCK_BYTES, BLOCK_BYTES);
            int o = 0;
            float d = f16(x, o + D);
            float min = f16(x, o + DMIN);
            int y = dstOffset + b * BLOCK_SIZE;
            for (int g = 0; g < 16; g++) {
                int sc = x[o + g] & 0xFF;
                float dl = d * (sc & 0xF);
                float ml = min * (sc >>> 4);
                for (int l = 0; l < 16; l++) dst[y + 16 * g + l] = dl * quant(x, o, 16 * g + l) - ml;
            }
        }
    }

    /** The 2-bit quant of value {@code e} (0..255) of the super-block at {@code x[o]}. */
    private static int quant(byte[] x, int o, int e) {
        return ((x[o + QS + 32 * (e / 128) + e % 32] & 0xFF) >>> (2 * ((e % 128) / 32))) & 3;
    }

    /**
     * ggml's reference quantizer {@code quantize_row_q2_K_ref}: per group a scale and min fitted on |x|-weighted
     * absolute error, both quantized to 4 bits against the super-block's largest, then the values re-quantized.
     */
    public static void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int count) {
        int blocks = Blocks.count(count, BLOCK_SIZE, "Q2_K");
        byte[] L = new byte[BLOCK_SIZE];
        byte[] laux = new byte[16];
        float[] weights = new float[16];
        float[] mins = new float[16];
        float[] scales = new float[16];
        byte[] y = new byte[BLOCK_BYTES];
        final float q4scale = 15.f;
        for (int b = 0; b < blocks; b++) {
            int x = srcOffset + b * BLOCK_SIZE;
            float maxScale = 0;
            float maxMin = 0;
            for (int j = 0; j < 16; ++j) {
                for (int l = 0; l < 16; ++l) weights[l] = Math.abs(src[x + 16 * j + l]);
                scales[j] = ScaleSearch.withMin(16, 3, src, x + 16 * j, weights, L, 16 * j, mins, j, laux, -0.5f, 0.1f, 15, true);
                if (scales[j] > maxScale) maxScale = scales[j];
                if (mins[j] > maxMin) maxMin = mins[j];
            }
            Arrays.fill(y, (byte) 0);
            float d = 0;
            if (maxScale > 0) {
                float iscale = q4scale / maxScale;
                for (int j = 0; j < 16; ++j) y[j] = (byte) Blocks.nearestInt(iscale * scales[j]);
                d = maxScale / q4scale;
            }
            float dmin = 0;
            if (maxMin > 0) {
                float iscale = q4scale / maxMin;
                for (int j = 0; j < 16; ++j) y[j] |= (byte) (Blocks.nearestInt(iscale * mins[j]) << 4);
                dmin = maxMin / q4scale;
            }
            short dBits = Float.floatToFloat16(d);
            short dminBits = Float.floatToFloat16(dmin);
            y[D] = (byte) dBits;
            y[D + 1] = (byte) (dBits >> 8);
            y[DMIN] = (byte) dminBits;
            y[DMIN + 1] = (byte) (dminBits >> 8);
            for (int j = 0; j < 16; ++j) {
                float dl = Float.float16ToFloat(dBits) * (y[j] & 0xF);
                if (dl == 0) continue;
                float ml = Float.float16ToFloat(dminBits) * ((y[j] & 0xFF) >>> 4);
                for (int ii = 0; ii < 16; ++ii) {
                    L[16 * j + ii] = (byte) Math.max(0, Math.min(3, Blocks.nearestInt((src[x + 16 * j + ii] + ml) / dl)));
                }
            }
            for (int j = 0; j < BLOCK_SIZE; j += 128) {
                for (int l = 0; l < 32; ++l) {
                    y[QS + j / 4 + l] = (byte) (L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
                }
            }
            MemorySegment.copy(MemorySegment.ofArray(y), 0, dst, dstOffset + (long) b * BLOCK_BYTES, BLOCK_BYTES);
        }
    }

    /** Dot products with Q8_K activations, per {@code ggml_vec_dot_q2_K_q8_K}. */
    static final SuperBlockDot DOT = new SuperBlockDot(BLOCK_BYTES) {
        @Override
        int scalarBlockSum(byte[] row, int o, byte[] q, int qb) {
            int isum = 0;
            for (int g = 0; g < 16; g++) {
                int groupSum = 0;
                for (int l = 0; l < 16; l++) groupSum += q[qb + 16 * g + l] * quant(row, o, 16 * g + l);
                isum += (row[o + g] & 0xF) * groupSum;
            }
            return isum;
        }

        @Override
        int vectorBlockSum(byte[] row, int o, byte[] q, int qb) {
            IntVector acc = IntVector.zero(Simd.I);
            for (int g = 0; g < 16; g++) {
                int qs = o + QS + 32 * (g / 8) + 16 * (g % 2);
                int shift = 2 * ((g % 8) / 2);
                IntVector group = IntVector.zero(Simd.I);
                for (int l = 0; l < 16; l += Simd.LANES) {
                    IntVector quant = Simd.bytes(row, qs + l).lanewise(VectorOperators.ASHR, shift).and(3);
                    group = group.add(quant.mul(Simd.bytes(q, qb + 16 * g + l)));
                }
                acc = acc.add(group.mul(row[o + g] & 0xF));
            }
            return acc.reduceLanes(VectorOperators.ADD);
        }

        /** The super-block's share of the dot product: dx·d·isum - dx·dmin·Σ(group sums · mins). */
        @Override
        float combine(byte[] row, int o, Activations x, int xBlock, int isum) {
            int minSum = 0;
            for (int g = 0; g < 16; g++) minSum += x.groupSums[16 * xBlock + g] * ((row[o + g] & 0xFF) >>> 4);
            float dx = x.scales[xBlock];
            return dx * f16(row, o + D) * isum - dx * f16(row, o + DMIN) * minSum;
        }
    };
}
