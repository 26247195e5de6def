package dev.jllm.engine.quant;

import static dev.jllm.engine.quant.LittleEndian.f16;
import static dev.jllm.engine.quant.LittleEndian.u8;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * ggml's Q5_K ({@code block_q5_K}): super-blocks of 256 values in 8 sub-blocks of 32. Layout: fp16 {@code d}, fp16
 * {@code dmin}, 12 bytes of packed 6-bit scales and mins, 32 bytes of fifth bits ({@code qh}: bit s of byte l belongs
 * to value 32s + l), 128 bytes of low nibbles arranged as in Q4_K. value = d * scale * q - dmin * min for the value's
 * sub-block. Dot products read Q8_K activations.
 */
public final class Q5_K {
    public static final int BLOCK_SIZE = 256;
    public static final int BLOCK_BYTES = 176;
    private static final int SCALES = 4;
    private static final int QH = 16;
    private static final int QS = 48;

    private Q5_K() {}

    /** ggml's {@code dequantize_row_q5_K}. */
    public static void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        int blocks = Blocks.count(count, BLOCK_SIZE, "Q5_K");
        for (int b = 0; b < blocks; b++) {
            long o = offset + (long) b * BLOCK_BYTES;
            float d = f16(src, o);
            float min = f16(src, o + 2);
            int y = dstOffset + b * BLOCK_SIZE;
            for (int sub = 0; sub < 8; sub++) {
                float dl = d * KScales.scaleK4(src, o + SCALES, sub);
                float ml = min * KScales.minK4(src, o + SCALES, sub);
                for (int l = 0; l < 32; l++) dst[y + 32 * sub + l] = dl * quant(src, o, sub, l) - ml;
            }
        }
    }

    /**
     * ggml's reference quantizer {@code quantize_row_q5_K_ref}: per sub-block of 32 a scale and min fitted with
     * weights sqrt(mean x²) + |x|, both quantized to 6 bits against the super-block's largest, then the values
     * re-quantized to 5 bits.
     */
    public static void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int count) {
        int blocks = Blocks.count(count, BLOCK_SIZE, "Q5_K");
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
                scales[j] = ScaleSearch.withMin(32, 31, src, x + 32 * j, weights, L, 32 * j, mins, j, laux, -0.5f, 0.1f, 15, false);
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
                    L[32 * j + ii] = (byte) Math.max(0, Math.min(31, Blocks.nearestInt((src[x + 32 * j + ii] + ml) / dl)));
                }
            }
            int m1 = 1;
            int m2 = 2;
            for (int l = 0; l < 32; l++) LittleEndian.putU8(dst, o + QH + l, 0);
            for (int n = 0; n < BLOCK_SIZE; n += 64) {
                for (int j = 0; j < 32; ++j) {
                    int l1 = L[n + j];
                    int l2 = L[n + j + 32];
                    int qh = u8(dst, o + QH + j);
                    if (l1 > 15) {
                        l1 -= 16;
                        qh |= m1;
                    }
                    if (l2 > 15) {
                        l2 -= 16;
                        qh |= m2;
                    }
                    LittleEndian.putU8(dst, o + QH + j, qh);
                    LittleEndian.putU8(dst, o + QS + n / 2 + j, l1 | (l2 << 4));
                }
                m1 <<= 2;
                m2 <<= 2;
            }
        }
    }

    /** The 5-bit quant of value 32 * sub + l of the super-block at {@code o}. */
    private static int quant(MemorySegment s, long o, int sub, int l) {
        int low = (u8(s, o + QS + 32 * (sub / 2) + l) >>> (4 * (sub % 2))) & 0xF;
        return low | ((u8(s, o + QH + l) >>> sub) & 1) << 4;
    }

    /** Σ w·x over Q5_K weights and Q8_K activations, per {@code ggml_vec_dot_q5_K_q8_K}. */
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
                int subSum = 0;
                for (int l = 0; l < 32; l++) subSum += q[qb + 32 * sub + l] * quant(w, o, sub, l);
                isum += KScales.scaleK4(w, o + SCALES, sub) * subSum;
            }
            float dx = xd[xBlock + b];
            sum += f16(w, o) * dx * isum - f16(w, o + 2) * dx * minSum;
        }
        return sum;
    }
}
