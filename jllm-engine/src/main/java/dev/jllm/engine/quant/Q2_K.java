package dev.jllm.engine.quant;

import static dev.jllm.engine.quant.LittleEndian.f16;
import static dev.jllm.engine.quant.LittleEndian.u8;

import java.lang.foreign.MemorySegment;

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
