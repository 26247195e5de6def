package dev.jllm.engine.quant;

import static dev.jllm.engine.quant.LittleEndian.f16;
import static dev.jllm.engine.quant.LittleEndian.u8;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

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
            long o = offset + (long) b * BLOCK_BYTES;
            float d = f16(src, o + D);
            float min = f16(src, o + DMIN);
            int y = dstOffset + b * BLOCK_SIZE;
            for (int g = 0; g < 16; g++) {
                int sc = u8(src, o + g);
                float dl = d * (sc & 0xF);
                float ml = min * (sc >>> 4);
                long qs = o + QS + 32 * (g / 8) + 16 * (g % 2);
                int shift = 2 * ((g % 8) / 2);
                for (int l = 0; l < 16; l++) dst[y + 16 * g + l] = dl * ((u8(src, qs + l) >>> shift) & 3) - ml;
            }
        }
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
        int[] sc = new int[16];
        final float q4scale = 15.f;
        for (int b = 0; b < blocks; b++) {
            int x = srcOffset + b * BLOCK_SIZE;
            long o = dstOffset + (long) b * BLOCK_BYTES;
            float maxScale = 0;
            float maxMin = 0;
            for (int j = 0; j < 16; ++j) {
                for (int l = 0; l < 16; ++l) weights[l] = Math.abs(src[x + 16 * j + l]);
                scales[j] = ScaleSearch.withMin(16, 3, src, x + 16 * j, weights, L, 16 * j, mins, j, laux, -0.5f, 0.1f, 15, true);
                if (scales[j] > maxScale) maxScale = scales[j];
                if (mins[j] > maxMin) maxMin = mins[j];
            }
            float d = 0;
            if (maxScale > 0) {
                float iscale = q4scale / maxScale;
                for (int j = 0; j < 16; ++j) sc[j] = Blocks.nearestInt(iscale * scales[j]) & 0xFF;
                d = maxScale / q4scale;
            } else {
                Arrays.fill(sc, 0);
            }
            float dmin = 0;
            if (maxMin > 0) {
                float iscale = q4scale / maxMin;
                for (int j = 0; j < 16; ++j) sc[j] = (sc[j] | Blocks.nearestInt(iscale * mins[j]) << 4) & 0xFF;
                dmin = maxMin / q4scale;
            }
            LittleEndian.putF16(dst, o + D, d);
            LittleEndian.putF16(dst, o + DMIN, dmin);
            float dStored = f16(dst, o + D);
            float dminStored = f16(dst, o + DMIN);
            for (int j = 0; j < 16; ++j) {
                LittleEndian.putU8(dst, o + j, sc[j]);
                float dl = dStored * (sc[j] & 0xF);
                if (dl == 0) continue;
                float ml = dminStored * (sc[j] >>> 4);
                for (int ii = 0; ii < 16; ++ii) {
                    L[16 * j + ii] = (byte) Math.max(0, Math.min(3, Blocks.nearestInt((src[x + 16 * j + ii] + ml) / dl)));
                }
            }
            for (int j = 0; j < BLOCK_SIZE; j += 128) {
                for (int l = 0; l < 32; ++l) {
                    LittleEndian.putU8(dst, o + QS + j / 4 + l, L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
                }
            }
        }
    }

    /** Σ w·x over Q2_K weights and Q8_K activations, per {@code ggml_vec_dot_q2_K_q8_K}. */
    static float dot(MemorySegment w, long offset, Activations x, int xElement, int count) {
        byte[] q = x.quants;
        float[] xd = x.scales;
        short[] groupSums = x.groupSums;
        int xBlock = xElement / BLOCK_SIZE;
        float sum = 0;
        for (int b = 0; b < count / BLOCK_SIZE; b++) {
            long o = offset + (long) b * BLOCK_BYTES;
            int qb = xElement + b * BLOCK_SIZE;
            int gb = (xBlock + b) * 16;
            int minSum = 0;
            int isum = 0;
            for (int g = 0; g < 16; g++) {
                int sc = u8(w, o + g);
                minSum += groupSums[gb + g] * (sc >>> 4);
                long qs = o + QS + 32 * (g / 8) + 16 * (g % 2);
                int shift = 2 * ((g % 8) / 2);
                int groupSum = 0;
                for (int l = 0; l < 16; l++) groupSum += q[qb + 16 * g + l] * ((u8(w, qs + l) >>> shift) & 3);
                isum += (sc & 0xF) * groupSum;
            }
            float dx = xd[xBlock + b];
            sum += dx * f16(w, o + D) * isum - dx * f16(w, o + DMIN) * minSum;
        }
        return sum;
    }
}
