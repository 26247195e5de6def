package dev.jllm.engine.quant;

import static dev.jllm.engine.quant.LittleEndian.f16;
import static dev.jllm.engine.quant.LittleEndian.u8;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * ggml's Q4_K ({@code block_q4_K}): super-blocks of 256 values in 8 sub-blocks of 32. Layout: fp16 {@code d}, fp16
 * {@code dmin}, 12 bytes of packed 6-bit scales and mins, 128 bytes of nibbles: byte 32c + l holds value 64c + l in
 * its low nibble and value 64c + 32 + l in its high nibble. value = d * scale * q - dmin * min for the value's
 * sub-block. Dot products read Q8_K activations.
 */
public final class Q4_K {
    public static final int BLOCK_SIZE = 256;
    public static final int BLOCK_BYTES = 144;
    private static final int SCALES = 4;
    private static final int QS = 16;

    private Q4_K() {}

    /** ggml's {@code dequantize_row_q4_K}. */
    public static void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        int blocks = Blocks.count(count, BLOCK_SIZE, "Q4_K");
        for (int b = 0; b < blocks; b++) {
            long o = offset + (long) b * BLOCK_BYTES;
            float d = f16(src, o);
            float min = f16(src, o + 2);
            int y = dstOffset + b * BLOCK_SIZE;
            for (int sub = 0; sub < 8; sub++) {
                float dl = d * KScales.scaleK4(src, o + SCALES, sub);
                float ml = min * KScales.minK4(src, o + SCALES, sub);
                long qs = o + QS + 32 * (sub / 2);
                int shift = 4 * (sub % 2);
                for (int l = 0; l < 32; l++) dst[y + 32 * sub + l] = dl * ((u8(src, qs + l) >>> shift) & 0xF) - ml;
            }
        }
    }

    /**
     * ggml's reference quantizer {@code quantize_row_q4_K_ref}: per sub-block of 32 a scale and min fitted with
     * weights sqrt(mean x²) + |x|, both quantized to 6 bits against the super-block's largest, then the values
     * re-quantized to 4 bits.
     */
    public static void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int count) {
        int blocks = Blocks.count(count, BLOCK_SIZE, "Q4_K");
        byte[] L = new byte[BLOCK_SIZE];
        byte[] laux = new byte[32];
        float[] weights = new float[32];
        float[] mins = new float[8];
        float[] scales = new float[8];
        byte[] packed = new byte[12];
        for (int b = 0; b < blocks; b++) {
            int x = srcOffset + b * BLOCK_SIZE;
            long o = dstOffset + (long) b * BLOCK_BYTES;
            float maxScale = 0;
            float maxMin = 0;
            for (int j = 0; j < 8; ++j) {
                float sumX2 = 0;
                for (int l = 0; l < 32; ++l) sumX2 += src[x + 32 * j + l] * src[x + 32 * j + l];
                float avX = (float) Math.sqrt(sumX2 / 32);
                for (int l = 0; l < 32; ++l) weights[l] = avX + Math.abs(src[x + 32 * j + l]);
                scales[j] = ScaleSearch.withMin(32, 15, src, x + 32 * j, weights, L, 32 * j, mins, j, laux, -1.f, 0.1f, 20, false);
                if (scales[j] > maxScale) maxScale = scales[j];
                if (mins[j] > maxMin) maxMin = mins[j];
            }
            float invScale = maxScale > 0 ? 63.f / maxScale : 0.f;
            float invMin = maxMin > 0 ? 63.f / maxMin : 0.f;
            Arrays.fill(packed, (byte) 0);
            for (int j = 0; j < 8; ++j) {
                int ls = Math.min(63, Blocks.nearestInt(invScale * scales[j]) & 0xFF);
                int lm = Math.min(63, Blocks.nearestInt(invMin * mins[j]) & 0xFF);
                if (j < 4) {
                    packed[j] = (byte) ls;
                    packed[j + 4] = (byte) lm;
                } else {
                    packed[j + 4] = (byte) ((ls & 0xF) | ((lm & 0xF) << 4));
                    packed[j - 4] |= (byte) ((ls >> 4) << 6);
                    packed[j] |= (byte) ((lm >> 4) << 6);
                }
            }
            LittleEndian.putF16(dst, o, maxScale / 63.f);
            LittleEndian.putF16(dst, o + 2, maxMin / 63.f);
            for (int j = 0; j < 12; j++) LittleEndian.putU8(dst, o + SCALES + j, packed[j]);
            float dStored = f16(dst, o);
            float dminStored = f16(dst, o + 2);
            for (int j = 0; j < 8; ++j) {
                float dl = dStored * KScales.scaleK4(dst, o + SCALES, j);
                if (dl == 0) continue;
                float ml = dminStored * KScales.minK4(dst, o + SCALES, j);
                for (int ii = 0; ii < 32; ++ii) {
                    L[32 * j + ii] = (byte) Math.max(0, Math.min(15, Blocks.nearestInt((src[x + 32 * j + ii] + ml) / dl)));
                }
            }
            for (int j = 0; j < BLOCK_SIZE; j += 64) {
                for (int l = 0; l < 32; ++l) LittleEndian.putU8(dst, o + QS + j / 2 + l, L[j + l] | (L[j + l + 32] << 4));
            }
        }
    }

    /** Σ w·x over Q4_K weights and Q8_K activations, per {@code ggml_vec_dot_q4_K_q8_K}. */
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
            int isum = 0;
            int minSum = 0;
            for (int sub = 0; sub < 8; sub++) {
                minSum += (groupSums[gb + 2 * sub] + groupSums[gb + 2 * sub + 1]) * KScales.minK4(w, o + SCALES, sub);
                long qs = o + QS + 32 * (sub / 2);
                int shift = 4 * (sub % 2);
                int subSum = 0;
                for (int l = 0; l < 32; l++) subSum += q[qb + 32 * sub + l] * ((u8(w, qs + l) >>> shift) & 0xF);
                isum += KScales.scaleK4(w, o + SCALES, sub) * subSum;
            }
            float dx = xd[xBlock + b];
            sum += f16(w, o) * dx * isum - f16(w, o + 2) * dx * minSum;
        }
        return sum;
    }
}
