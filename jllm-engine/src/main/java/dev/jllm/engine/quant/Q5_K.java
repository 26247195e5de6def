package dev.jllm.engine.quant;

import static dev.jllm.engine.quant.LittleEndian.f16;
import static dev.jllm.engine.quant.LittleEndian.u8;

import java.lang.foreign.MemorySegment;

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
