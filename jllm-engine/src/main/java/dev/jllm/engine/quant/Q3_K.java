package dev.jllm.engine.quant;

import static dev.jllm.engine.quant.LittleEndian.f16;
import static dev.jllm.engine.quant.LittleEndian.u8;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * ggml's Q3_K ({@code block_q3_K}): super-blocks of 256 values in 16 groups of 16. Layout: 32 bytes of high bits
 * ({@code hmask}), 64 bytes of low 2 bits, 12 bytes of packed 6-bit signed scales, fp16 {@code d}. Value
 * e = 128n + 32j + l has quant ((qs[32n + l] >> 2j) & 3) - (hmask[l] bit 4n + j set ? 0 : 4) and group e / 16;
 * value = d * (scale - 32) * q. Dot products read Q8_K activations.
 */
public final class Q3_K {
    public static final int BLOCK_SIZE = 256;
    public static final int BLOCK_BYTES = 110;
    private static final int QS = 32;
    private static final int SCALES = 96;
    private static final int D = 108;

    private Q3_K() {}

    /** ggml's {@code dequantize_row_q3_K}. */
    public static void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        int blocks = Blocks.count(count, BLOCK_SIZE, "Q3_K");
        for (int b = 0; b < blocks; b++) {
            long o = offset + (long) b * BLOCK_BYTES;
            float d = f16(src, o + D);
            int y = dstOffset + b * BLOCK_SIZE;
            for (int g = 0; g < 16; g++) {
                float dl = d * KScales.scaleQ3(src, o + SCALES, g);
                for (int l = 0; l < 16; l++) dst[y + 16 * g + l] = dl * quant(src, o, 16 * g + l);
            }
        }
    }

    /**
     * ggml's reference quantizer {@code quantize_row_q3_K_ref}: per group a refined symmetric scale, scales
     * quantized to 6 bits against the super-block's largest, then the values re-quantized.
     */
    public static void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int count) {
        int blocks = Blocks.count(count, BLOCK_SIZE, "Q3_K");
        byte[] L = new byte[BLOCK_SIZE];
        float[] scales = new float[16];
        byte[] packed = new byte[12];
        byte[] hmask = new byte[32];
        for (int b = 0; b < blocks; b++) {
            int x = srcOffset + b * BLOCK_SIZE;
            long o = dstOffset + (long) b * BLOCK_BYTES;
            float maxScale = 0;
            float amax = 0;
            for (int j = 0; j < 16; ++j) {
                scales[j] = ScaleSearch.symmetricRefined(16, 4, src, x + 16 * j, L, 16 * j);
                float scale = Math.abs(scales[j]);
                if (scale > amax) {
                    amax = scale;
                    maxScale = scales[j];
                }
            }
            Arrays.fill(packed, (byte) 0);
            if (maxScale != 0) {
                float iscale = -32.f / maxScale;
                for (int j = 0; j < 16; ++j) {
                    int l = Math.max(-32, Math.min(31, (byte) Blocks.nearestInt(iscale * scales[j]))) + 32;
                    if (j < 8) packed[j] = (byte) (l & 0xF);
                    else packed[j - 8] |= (byte) ((l & 0xF) << 4);
                    packed[j % 4 + 8] |= (byte) ((l >> 4) << (2 * (j / 4)));
                }
                LittleEndian.putF16(dst, o + D, 1 / iscale);
            } else {
                LittleEndian.putF16(dst, o + D, 0.f);
            }
            for (int j = 0; j < 12; j++) LittleEndian.putU8(dst, o + SCALES + j, packed[j]);
            float dStored = f16(dst, o + D);
            for (int j = 0; j < 16; ++j) {
                float dl = dStored * KScales.scaleQ3(dst, o + SCALES, j);
                if (dl == 0) continue;
                for (int ii = 0; ii < 16; ++ii) {
                    L[16 * j + ii] = (byte) (Math.max(-4, Math.min(3, Blocks.nearestInt(src[x + 16 * j + ii] / dl))) + 4);
                }
            }
            Arrays.fill(hmask, (byte) 0);
            int m = 0;
            int hm = 1;
            for (int j = 0; j < BLOCK_SIZE; ++j) {
                if (L[j] > 3) {
                    hmask[m] |= (byte) hm;
                    L[j] -= 4;
                }
                if (++m == 32) {
                    m = 0;
                    hm <<= 1;
                }
            }
            for (int j = 0; j < 32; j++) LittleEndian.putU8(dst, o + j, hmask[j]);
            for (int j = 0; j < BLOCK_SIZE; j += 128) {
                for (int l = 0; l < 32; ++l) {
                    LittleEndian.putU8(dst, o + QS + j / 4 + l, L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
                }
            }
        }
    }

    /** The signed 3-bit quant of value {@code e} (0..255) of the super-block at {@code o}. */
    private static int quant(MemorySegment s, long o, int e) {
        int n = e / 128;
        int j = (e % 128) / 32;
        int l = e % 32;
        int low = (u8(s, o + QS + 32 * n + l) >>> (2 * j)) & 3;
        return (u8(s, o + l) & (1 << (4 * n + j))) != 0 ? low : low - 4;
    }

    /** Σ w·x over Q3_K weights and Q8_K activations, per {@code ggml_vec_dot_q3_K_q8_K}. */
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
                isum += KScales.scaleQ3(w, o + SCALES, g) * groupSum;
            }
            sum += (f16(w, o + D) * xd[xBlock + b]) * isum;
        }
        return sum;
    }
}
