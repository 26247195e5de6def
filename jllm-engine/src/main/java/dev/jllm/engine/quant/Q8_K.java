package dev.jllm.engine.quant;

import static dev.jllm.engine.quant.LittleEndian.f32;
import static dev.jllm.engine.quant.LittleEndian.i8;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * ggml's Q8_K ({@code block_q8_K}): super-blocks of 256 values stored as a float32 scale {@code d}, 256 int8 quants
 * and 16 int16 sums of each group of 16 quants ({@code bsums}); value = d * q. The form activations take for the
 * K-quant dot products.
 */
public final class Q8_K {
    public static final int BLOCK_SIZE = 256;
    public static final int BLOCK_BYTES = 292;

    private Q8_K() {}

    /** ggml's {@code dequantize_row_q8_K}. */
    public static void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        int blocks = Blocks.count(count, BLOCK_SIZE, "Q8_K");
        for (int b = 0; b < blocks; b++) {
            long o = offset + (long) b * BLOCK_BYTES;
            float d = f32(src, o);
            int y = dstOffset + b * BLOCK_SIZE;
            for (int j = 0; j < BLOCK_SIZE; j++) dst[y + j] = d * i8(src, o + 4 + j);
        }
    }

    /**
     * ggml's reference quantizer {@code quantize_row_q8_K_ref}, which is also what ggml-cpu uses on x86:
     * iscale = -127 / (the value of largest magnitude), q = min(127, nearest_int(iscale * x)), d = 1 / iscale.
     * An all-zero block gets d = 0 and zero quants and sums.
     */
    public static void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int count) {
        int blocks = Blocks.count(count, BLOCK_SIZE, "Q8_K");
        byte[] q = new byte[BLOCK_SIZE];
        float[] d = new float[1];
        short[] sums = new short[BLOCK_SIZE / 16];
        for (int b = 0; b < blocks; b++) {
            quantizeForDot(src, srcOffset + b * BLOCK_SIZE, BLOCK_SIZE, q, 0, d, sums, 0);
            long o = dstOffset + (long) b * BLOCK_BYTES;
            LittleEndian.putF32(dst, o, d[0]);
            for (int j = 0; j < BLOCK_SIZE; j++) LittleEndian.putU8(dst, o + 4 + j, q[j]);
            for (int j = 0; j < sums.length; j++) LittleEndian.putI16(dst, o + 4 + BLOCK_SIZE + 2L * j, sums[j]);
        }
    }

    /**
     * {@link #quantize} into arrays: block {@code dBlock + b} gets its scale in {@code d} and its 16 group sums at
     * {@code groupSums[(dBlock + b) * 16 ..]}.
     */
    static void quantizeForDot(float[] x, int offset, int count, byte[] q, int qOffset, float[] d, short[] groupSums, int dBlock) {
        int blocks = Blocks.count(count, BLOCK_SIZE, "Q8_K");
        for (int b = 0; b < blocks; b++) {
            int xb = offset + b * BLOCK_SIZE;
            int qb = qOffset + b * BLOCK_SIZE;
            int gb = (dBlock + b) * (BLOCK_SIZE / 16);
            float max = Blocks.largestMagnitude(x, xb, BLOCK_SIZE);
            if (max == 0) {
                d[dBlock + b] = 0;
                Arrays.fill(q, qb, qb + BLOCK_SIZE, (byte) 0);
                Arrays.fill(groupSums, gb, gb + BLOCK_SIZE / 16, (short) 0);
                continue;
            }
            float iscale = -127.f / max;
            for (int j = 0; j < BLOCK_SIZE; j++) q[qb + j] = (byte) Math.min(127, Blocks.nearestInt(iscale * x[xb + j]));
            for (int g = 0; g < BLOCK_SIZE / 16; g++) {
                int sum = 0;
                for (int j = 0; j < 16; j++) sum += q[qb + 16 * g + j];
                groupSums[gb + g] = (short) sum;
            }
            d[dBlock + b] = 1 / iscale;
        }
    }
}
