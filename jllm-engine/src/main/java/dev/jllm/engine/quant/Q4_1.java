package dev.jllm.engine.quant;

import static dev.jllm.engine.quant.LittleEndian.f16;
import static dev.jllm.engine.quant.LittleEndian.u8;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

/**
 * ggml's Q4_1 ({@code block_q4_1}): blocks of 32 values stored as fp16 scale {@code d}, fp16 minimum {@code m} and
 * 16 bytes of 4-bit quants (value j low nibble, value j + 16 high nibble); value = d * q + m. Dot products read Q8_1
 * activations.
 */
public final class Q4_1 {
    public static final int BLOCK_SIZE = 32;
    public static final int BLOCK_BYTES = 20;

    private static final Block32 FORMAT = new Block32("Q4_1", BLOCK_BYTES, true, Q4_1::quants);

    private Q4_1() {}

    /** ggml's {@code dequantize_row_q4_1}. */
    public static void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        FORMAT.dequantize(src, offset, dst, dstOffset, count);
    }

    /** Reads the quants of the block at {@code o}: {@link Block32.Quants}. */
    private static void quants(MemorySegment w, long o, int[] values) {
        for (int j = 0; j < 16; j++) {
            int packed = u8(w, o + 4 + j);
            values[j] = packed & 0x0F;
            values[j + 16] = packed >>> 4;
        }
    }

    /** ggml's reference quantizer {@code quantize_row_q4_1_ref}: d = (max - min) / 15, q = min(15, trunc((x - min) / d + 0.5)). */
    public static void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int count) {
        int blocks = Blocks.count(count, BLOCK_SIZE, "Q4_1");
        for (int b = 0; b < blocks; b++) {
            int x = srcOffset + b * BLOCK_SIZE;
            long o = dstOffset + (long) b * BLOCK_BYTES;
            float min = Blocks.min(src, x, BLOCK_SIZE);
            float max = Blocks.max(src, x, BLOCK_SIZE);
            float d = (max - min) / 15;
            float id = d != 0 ? 1.0f / d : 0.0f;
            LittleEndian.putF16(dst, o, d);
            LittleEndian.putF16(dst, o + 2, min);
            for (int j = 0; j < 16; j++) {
                int q0 = Math.min(15, (byte) (int) ((src[x + j] - min) * id + 0.5f));
                int q1 = Math.min(15, (byte) (int) ((src[x + j + 16] - min) * id + 0.5f));
                LittleEndian.putU8(dst, o + 4 + j, q0 | (q1 << 4));
            }
        }
    }

    /**
     * Σ w·x over {@code count} values of Q4_1 weights and Q8_1 activations, per ggml_vec_dot_q4_1_q8_1: the quant
     * products in {@link BlockLanes}' order, plus the min terms m·s summed by an FMA chain.
     */
    static float dot(MemorySegment w, long offset, Activations x, int xElement, int count) {
        return Simd.ENABLED ? dotVector(w, offset, x, xElement, count) : dotScalar(w, offset, x, xElement, count);
    }

    /** {@link #dot} with the Vector API ({@link BlockLanesVector}): the same result, bit for bit. */
    static float dotVector(MemorySegment w, long offset, Activations x, int xElement, int count) {
        FloatVector acc = FloatVector.zero(BlockLanesVector.F8);
        int xBlock = xElement / BLOCK_SIZE;
        float minTerms = 0;
        for (int b = 0; b < count / BLOCK_SIZE; b++) {
            long o = offset + (long) b * BLOCK_BYTES;
            minTerms = Math.fma(f16(w, o + 2), x.blockSums[xBlock + b], minTerms);
            IntVector q = BlockLanesVector.nibbles(w, o + 4);
            acc = BlockLanesVector.add(q, x.quantPairs, xElement + b * BLOCK_SIZE, f16(w, o) * x.scales[xBlock + b], acc, false);
        }
        return GgmlFloat.hsum8(acc) + minTerms;
    }

    /** Decodes a row for {@link BlockLanesVector#multiply2}. */
    static void decode(MemorySegment w, long offset, int count, DecodedRow row) {
        row.hasMins = true;
        row.wideSums = false;
        for (int b = 0; b < count / BLOCK_SIZE; b++) {
            long o = offset + (long) b * BLOCK_BYTES;
            BlockLanesVector.store(BlockLanesVector.nibbles(w, o + 4), row.values, b * BLOCK_SIZE);
            row.scales[b] = f16(w, o);
            row.mins[b] = f16(w, o + 2);
        }
    }

    /** The reference for {@link #dot}: BlockLanes' order spelled out value by value. */
    static float dotScalar(MemorySegment w, long offset, Activations x, int xElement, int count) {
        return FORMAT.dotScalar(w, offset, x, xElement, count);
    }
}
