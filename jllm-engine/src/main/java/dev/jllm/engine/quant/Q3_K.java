package dev.jllm.engine.quant;

import static dev.jllm.engine.quant.LittleEndian.f16;
import static dev.jllm.engine.quant.LittleEndian.u8;

import java.lang.foreign.MemorySegment;

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
