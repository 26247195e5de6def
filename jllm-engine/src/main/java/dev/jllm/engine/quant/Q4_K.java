package dev.jllm.engine.quant;

import static dev.jllm.engine.quant.LittleEndian.f16;
import static dev.jllm.engine.quant.LittleEndian.u8;

import java.lang.foreign.MemorySegment;

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
