package dev.jllm.engine.quant;

import static dev.jllm.engine.quant.LittleEndian.i8;

import java.lang.foreign.MemorySegment;

/**
 * ggml's Q8_1 ({@code block_q8_1}): blocks of 32 values stored as fp16 {@code d}, fp16 {@code s = d * Σq} and 32
 * int8 quants; value = d * q. The form activations take for Q4_1 and Q5_1 dot products.
 */
public final class Q8_1 {
    public static final int BLOCK_SIZE = 32;
    public static final int BLOCK_BYTES = 36;

    private static final Block32 FORMAT = new Block32("Q8_1", BLOCK_BYTES, false, Q8_1::quants);

    private Q8_1() {}

    /** value = d * q (ggml has no dequantizer for this activation-only type; this is the defining formula). */
    public static void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        FORMAT.dequantize(src, offset, dst, dstOffset, count);
    }

    /** Reads the quants of the block at {@code o}: {@link Block32.Quants}. */
    private static void quants(MemorySegment w, long o, int[] values) {
        for (int j = 0; j < BLOCK_SIZE; j++) values[j] = i8(w, o + 4 + j);
    }

    /** ggml's reference quantizer {@code quantize_row_q8_1_ref}: like Q8_0's, plus s = fp16(Σq * d). */
    public static void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int count) {
        int blocks = Blocks.count(count, BLOCK_SIZE, "Q8_1");
        for (int b = 0; b < blocks; b++) {
            int x = srcOffset + b * BLOCK_SIZE;
            long o = dstOffset + (long) b * BLOCK_BYTES;
            float amax = Blocks.absMax(src, x, BLOCK_SIZE);
            float d = amax / 127;
            float id = d != 0 ? 1.0f / d : 0.0f;
            LittleEndian.putF16(dst, o, d);
            int sum = 0;
            for (int j = 0; j < BLOCK_SIZE; j++) {
                int q = (int) Blocks.roundAwayFromZero(src[x + j] * id);
                LittleEndian.putU8(dst, o + 4 + j, q);
                sum += q;
            }
            LittleEndian.putF16(dst, o + 2, sum * d);
        }
    }

    /**
     * Quantizes activations the way ggml-cpu's x86 {@code quantize_row_q8_1} does (AVX path): d = amax / 127,
     * q = round-half-even(x * (127 / amax)), s = fp16(d * Σq) with the unrounded d. {@code d} and {@code s} receive
     * fp16-rounded values.
     */
    static void quantizeForDot(float[] x, int offset, int count, byte[] q, int qOffset, float[] d, float[] s, int dOffset) {
        int blocks = Blocks.count(count, BLOCK_SIZE, "Q8_1");
        for (int b = 0; b < blocks; b++) {
            int xb = offset + b * BLOCK_SIZE;
            float amax = Blocks.absMax(x, xb, BLOCK_SIZE);
            float scale = amax / 127.f;
            float id = amax != 0 ? 127.f / amax : 0.0f;
            int qb = qOffset + b * BLOCK_SIZE;
            int sum = 0;
            for (int j = 0; j < BLOCK_SIZE; j++) {
                int v = (int) Math.rint(x[xb + j] * id);
                q[qb + j] = (byte) v;
                sum += v;
            }
            d[dOffset + b] = Float.float16ToFloat(Float.floatToFloat16(scale));
            s[dOffset + b] = Float.float16ToFloat(Float.floatToFloat16(scale * sum));
        }
    }
}
