package dev.jllm.engine.quant;

import static dev.jllm.engine.quant.LittleEndian.u8;

import java.lang.foreign.MemorySegment;

/**
 * ggml's Q4_0 ({@code block_q4_0}): blocks of 32 values stored as an fp16 scale {@code d} and 16 bytes of 4-bit
 * quants; byte j holds value j in its low nibble and value j + 16 in its high nibble; value = d * (q - 8).
 * Products run in {@link DequantizedProduct}.
 */
public final class Q4_0 {
    public static final int BLOCK_SIZE = 32;
    public static final int BLOCK_BYTES = 18;

    private static final Block32 FORMAT = new Block32("Q4_0", BLOCK_BYTES, false, Q4_0::quants);

    private Q4_0() {}

    /** ggml's {@code dequantize_row_q4_0} (with the Vector API when enabled: the same values). */
    public static void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        if (Simd.ENABLED) {
            Blocks.count(count, BLOCK_SIZE, "Q4_0");
            BlockFloats.dequantizeQ4_0(src, offset, dst, dstOffset, count);
        } else {
            FORMAT.dequantize(src, offset, dst, dstOffset, count);
        }
    }

    /**
     * {@link #dequantize} for {@link DequantizedProduct}: the same values, except that a zero may come out +0 where
     * ggml gives -0, which no product can tell apart ({@link BlockFloats#dequantizeQ4_0ForProducts}).
     */
    static void dequantizeForProducts(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        if (Simd.ENABLED) {
            Blocks.count(count, BLOCK_SIZE, "Q4_0");
            BlockFloats.dequantizeQ4_0ForProducts(src, offset, dst, dstOffset, count);
        } else {
            FORMAT.dequantize(src, offset, dst, dstOffset, count);
        }
    }

    /** Reads the quants of the block at {@code o}: {@link Block32.Quants}. */
    private static void quants(MemorySegment w, long o, int[] values) {
        for (int j = 0; j < 16; j++) {
            int packed = u8(w, o + 2 + j);
            values[j] = (packed & 0x0F) - 8;
            values[j + 16] = (packed >>> 4) - 8;
        }
    }

    /**
     * ggml's reference quantizer {@code quantize_row_q4_0_ref}: d = (the value of largest magnitude) / -8, so that
     * value maps to quant 0, and q = min(15, trunc(x / d + 8.5)).
     */
    public static void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int count) {
        int blocks = Blocks.count(count, BLOCK_SIZE, "Q4_0");
        for (int b = 0; b < blocks; b++) {
            int x = srcOffset + b * BLOCK_SIZE;
            long o = dstOffset + (long) b * BLOCK_BYTES;
            float max = Blocks.largestMagnitude(src, x, BLOCK_SIZE);
            float d = max / -8;
            float id = d != 0 ? 1.0f / d : 0.0f;
            LittleEndian.putF16(dst, o, d);
            for (int j = 0; j < 16; j++) {
                int q0 = Math.min(15, (byte) (int) (src[x + j] * id + 8.5f));
                int q1 = Math.min(15, (byte) (int) (src[x + j + 16] * id + 8.5f));
                LittleEndian.putU8(dst, o + 2 + j, q0 | (q1 << 4));
            }
        }
    }
}
