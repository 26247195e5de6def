package dev.jllm.engine.quant;

import static dev.jllm.engine.quant.LittleEndian.f16;
import static dev.jllm.engine.quant.LittleEndian.i8;
import static dev.jllm.engine.quant.LittleEndian.u8;

import java.lang.foreign.MemorySegment;

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
            long o = offset + (long) b * BLOCK_BYTES;
            float d = f16(src, o + D);
            int y = dstOffset + b * BLOCK_SIZE;
            for (int g = 0; g < 16; g++) {
                float dl = d * i8(src, o + SCALES + g);
                for (int l = 0; l < 16; l++) dst[y + 16 * g + l] = dl * quant(src, o, 16 * g + l);
            }
        }
    }

    /**
     * ggml's reference quantizer {@code quantize_row_q6_K_ref}: per group a symmetric scale (18 candidates, x²
     * weights), scales quantized to int8 against the super-block's largest, then the values re-quantized.
     */
    public static void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int count) {
        int blocks = Blocks.count(count, BLOCK_SIZE, "Q6_K");
        byte[] L = new byte[BLOCK_SIZE];
        float[] scales = new float[16];
        for (int b = 0; b < blocks; b++) {
            int x = srcOffset + b * BLOCK_SIZE;
            long o = dstOffset + (long) b * BLOCK_BYTES;
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
            if (maxAbsScale < ScaleSearch.GROUP_MAX_EPS) {
                dst.asSlice(o, BLOCK_BYTES).fill((byte) 0);
                continue;
            }
            float iscale = -128.f / maxScale;
            LittleEndian.putF16(dst, o + D, 1 / iscale);
            for (int ib = 0; ib < 16; ++ib) LittleEndian.putU8(dst, o + SCALES + ib, Math.min(127, Blocks.nearestInt(iscale * scales[ib])));
            float dStored = f16(dst, o + D);
            for (int j = 0; j < 16; ++j) {
                float dl = dStored * i8(dst, o + SCALES + j);
                if (dl == 0) continue;
                for (int ii = 0; ii < 16; ++ii) {
                    L[16 * j + ii] = (byte) (Math.max(-32, Math.min(31, Blocks.nearestInt(src[x + 16 * j + ii] / dl))) + 32);
                }
            }
            for (int j = 0; j < BLOCK_SIZE; j += 128) {
                long ql = o + j / 2;
                long qh = o + QH + j / 4;
                for (int l = 0; l < 32; ++l) {
                    int q1 = L[j + l] & 0xF;
                    int q2 = L[j + l + 32] & 0xF;
                    int q3 = L[j + l + 64] & 0xF;
                    int q4 = L[j + l + 96] & 0xF;
                    LittleEndian.putU8(dst, ql + l, q1 | (q3 << 4));
                    LittleEndian.putU8(dst, ql + l + 32, q2 | (q4 << 4));
                    LittleEndian.putU8(dst, qh + l, (L[j + l] >> 4) | ((L[j + l + 32] >> 4) << 2) | ((L[j + l + 64] >> 4) << 4) | ((L[j + l + 96] >> 4) << 6));
                }
            }
        }
    }

    /** The signed 6-bit quant of value {@code e} (0..255) of the super-block at {@code o}. */
    private static int quant(MemorySegment s, long o, int e) {
        int n = e / 128;
        int k = (e % 128) / 32;
        int l = e % 32;
        int low = (u8(s, o + 64 * n + 32 * (k % 2) + l) >>> (4 * (k / 2))) & 0xF;
        int high = (u8(s, o + QH + 32 * n + l) >>> (2 * k)) & 3;
        return (low | high << 4) - 32;
    }

    /** Σ w·x over Q6_K weights and Q8_K activations, per {@code ggml_vec_dot_q6_K_q8_K}. */
    static float dot(MemorySegment w, long offset, Activations x, int xElement, int count) {
        byte[] q = x.quants;
        float[] xd = x.scales;
        int xBlock = xElement / BLOCK_SIZE;
        float sum = 0;
        for (int b = 0; b < count / BLOCK_SIZE; b++) {
            long o = offset + (long) b * BLOCK_BYTES;
            int qb = xElement + b * BLOCK_SIZE;
            int isum = 0;
            for (int g = 0; g < 16; g++) {
                int groupSum = 0;
                for (int l = 0; l < 16; l++) groupSum += q[qb + 16 * g + l] * quant(w, o, 16 * g + l);
                isum += i8(w, o + SCALES + g) * groupSum;
            }
            sum += (f16(w, o + D) * xd[xBlock + b]) * isum;
        }
        return sum;
    }
}
