package dev.jllm.engine.quant;

import static dev.jllm.engine.quant.LittleEndian.f16;
import static dev.jllm.engine.quant.LittleEndian.i32;
import static dev.jllm.engine.quant.LittleEndian.u8;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.IntVector;

/**
 * ggml's Q5_0 ({@code block_q5_0}): blocks of 32 values stored as an fp16 scale {@code d}, a 32-bit word of fifth
 * bits (bit j belongs to value j) and 16 bytes of low nibbles (value j low, value j + 16 high);
 * value = d * (q - 16). Dot products read Q8_0 activations.
 */
public final class Q5_0 {
    public static final int BLOCK_SIZE = 32;
    public static final int BLOCK_BYTES = 22;

    private static final Block32 FORMAT = new Block32("Q5_0", BLOCK_BYTES, false, Q5_0::quants);

    private Q5_0() {}

    /** ggml's {@code dequantize_row_q5_0}. */
    public static void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        FORMAT.dequantize(src, offset, dst, dstOffset, count);
    }

    /** Reads the quants of the block at {@code o}: {@link Block32.Quants}. */
    private static void quants(MemorySegment w, long o, int[] values) {
        int qh = i32(w, o + 2);
        for (int j = 0; j < 16; j++) {
            int packed = u8(w, o + 6 + j);
            values[j] = ((packed & 0x0F) | ((qh >>> j) & 1) << 4) - 16;
            values[j + 16] = ((packed >>> 4) | ((qh >>> (j + 16)) & 1) << 4) - 16;
        }
    }

    /** ggml's reference quantizer {@code quantize_row_q5_0_ref}: d = (the value of largest magnitude) / -16, q = min(31, trunc(x / d + 16.5)). */
    public static void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int count) {
        int blocks = Blocks.count(count, BLOCK_SIZE, "Q5_0");
        for (int b = 0; b < blocks; b++) {
            int x = srcOffset + b * BLOCK_SIZE;
            long o = dstOffset + (long) b * BLOCK_BYTES;
            float max = Blocks.largestMagnitude(src, x, BLOCK_SIZE);
            float d = max / -16;
            float id = d != 0 ? 1.0f / d : 0.0f;
            LittleEndian.putF16(dst, o, d);
            int qh = 0;
            for (int j = 0; j < 16; j++) {
                int q0 = Math.min(31, (byte) (int) (src[x + j] * id + 16.5f));
                int q1 = Math.min(31, (byte) (int) (src[x + j + 16] * id + 16.5f));
                LittleEndian.putU8(dst, o + 6 + j, (q0 & 0x0F) | ((q1 & 0x0F) << 4));
                qh |= ((q0 & 0x10) >>> 4) << j;
                qh |= ((q1 & 0x10) >>> 4) << (j + 16);
            }
            LittleEndian.putI32(dst, o + 2, qh);
        }
    }

    /** Σ w·x over {@code count} values of Q5_0 weights and Q8_0 activations, in {@link BlockLanes}' order. */
    static float dot(MemorySegment w, long offset, Activations x, int xElement, int count) {
        return Simd.ENABLED ? dotVector(w, offset, x, xElement, count) : dotScalar(w, offset, x, xElement, count);
    }

    /** {@link #dot} with the Vector API ({@link BlockLanesVector}): the same result, bit for bit. */
    static float dotVector(MemorySegment w, long offset, Activations x, int xElement, int count) {
        return BlockLanesVector.dot(w, offset, BLOCK_BYTES, (m, o) -> BlockLanesVector.minus(BlockLanesVector.nibblesWithFifthBits(m, o + 6, i32(m, o + 2)), 16),
                false, x, xElement, count);
    }

    /** Decodes a row for {@link BlockLanesVector#multiply2}. */
    static void decode(MemorySegment w, long offset, int count, DecodedRow row) {
        row.hasMins = false;
        row.wideSums = false;
        for (int b = 0; b < count / BLOCK_SIZE; b++) {
            long o = offset + (long) b * BLOCK_BYTES;
            IntVector q = BlockLanesVector.minus(BlockLanesVector.nibblesWithFifthBits(w, o + 6, i32(w, o + 2)), 16);
            BlockLanesVector.store(q, row.values, b * BLOCK_SIZE);
            row.scales[b] = f16(w, o);
        }
    }

    /** The reference for {@link #dot}: BlockLanes' order spelled out value by value. */
    static float dotScalar(MemorySegment w, long offset, Activations x, int xElement, int count) {
        return FORMAT.dotScalar(w, offset, x, xElement, count);
    }
}
