package dev.jllm.engine.quant;

import static dev.jllm.engine.quant.LittleEndian.f16;
import static dev.jllm.engine.quant.LittleEndian.i8;

import java.lang.foreign.MemorySegment;

/**
 * ggml's Q8_0 ({@code block_q8_0}): blocks of 32 values stored as an fp16 scale {@code d} and 32 int8 quants;
 * value = d * q. Also the form activations take for Q4_0, Q5_0 and Q8_0 products.
 */
public final class Q8_0 {
    public static final int BLOCK_SIZE = 32;
    public static final int BLOCK_BYTES = 34;

    private static final Block32 FORMAT = new Block32("Q8_0", BLOCK_BYTES, false, Q8_0::quants);

    private Q8_0() {}

    /** ggml's {@code dequantize_row_q8_0} (with the Vector API when enabled: the same values). */
    public static void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        if (Simd.ENABLED) {
            Blocks.count(count, BLOCK_SIZE, "Q8_0");
            BlockFloats.dequantizeQ8_0(src, offset, dst, dstOffset, count);
        } else {
            FORMAT.dequantize(src, offset, dst, dstOffset, count);
        }
    }

    /** Reads the quants of the block at {@code o}: {@link Block32.Quants}. */
    private static void quants(MemorySegment w, long o, int[] values) {
        for (int j = 0; j < BLOCK_SIZE; j++) values[j] = i8(w, o + 2 + j);
    }

    /** ggml's reference quantizer {@code quantize_row_q8_0_ref}: d = amax / 127, q = roundf(x / d). */
    public static void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int count) {
        int blocks = Blocks.count(count, BLOCK_SIZE, "Q8_0");
        for (int b = 0; b < blocks; b++) {
            int x = srcOffset + b * BLOCK_SIZE;
            long o = dstOffset + (long) b * BLOCK_BYTES;
            float amax = Blocks.absMax(src, x, BLOCK_SIZE);
            float d = amax / 127;
            float id = d != 0 ? 1.0f / d : 0.0f;
            LittleEndian.putF16(dst, o, d);
            for (int j = 0; j < BLOCK_SIZE; j++) LittleEndian.putU8(dst, o + 2 + j, (int) Blocks.roundAwayFromZero(src[x + j] * id));
        }
    }

    /**
     * Quantizes activations the way ggml-cpu's x86 {@code quantize_row_q8_0} does (AVX path, which the reference
     * outputs were made with): d = amax / 127 stored as fp16, q = round-half-even(x * (127 / amax)). Differs from
     * {@link #quantize} in the multiplier and on ties. {@code d} receives the fp16-rounded scales.
     */
    static void quantizeForDot(float[] x, int offset, int count, byte[] q, int qOffset, float[] d, int dOffset) {
        int blocks = Blocks.count(count, BLOCK_SIZE, "Q8_0");
        for (int b = 0; b < blocks; b++) {
            int xb = offset + b * BLOCK_SIZE;
            float amax = Blocks.absMax(x, xb, BLOCK_SIZE);
            d[dOffset + b] = Float.float16ToFloat(Float.floatToFloat16(amax / 127.f));
            float id = amax != 0 ? 127.f / amax : 0.0f;
            int qb = qOffset + b * BLOCK_SIZE;
            for (int j = 0; j < BLOCK_SIZE; j++) q[qb + j] = (byte) Math.rint(x[xb + j] * id);
        }
    }

    /** Σ w·x over {@code count} values of Q8_0 weights and Q8_0 activations, in {@link BlockLanes}' order. */
    static float dot(MemorySegment w, long offset, Activations x, int xElement, int count) {
        return Simd.ENABLED ? dotVector(w, offset, x, xElement, count) : dotScalar(w, offset, x, xElement, count);
    }

    /** {@link #dot} with the Vector API ({@link BlockLanesVector}): the same result, bit for bit. */
    static float dotVector(MemorySegment w, long offset, Activations x, int xElement, int count) {
        return BlockLanesVector.dot(w, offset, BLOCK_BYTES, (m, o) -> BlockLanesVector.bytes(m, o + 2), true, x, xElement, count);
    }

    /** Decodes a row for {@link BlockLanesVector#multiply2}. */
    static void decode(MemorySegment w, long offset, int count, DecodedRow row) {
        row.hasMins = false;
        row.wideSums = true;
        for (int b = 0; b < count / BLOCK_SIZE; b++) {
            long o = offset + (long) b * BLOCK_BYTES;
            BlockLanesVector.store(BlockLanesVector.bytes(w, o + 2), row.values, b * BLOCK_SIZE);
            row.scales[b] = f16(w, o);
        }
    }

    /** The reference for {@link #dot}: BlockLanes' order spelled out value by value. */
    static float dotScalar(MemorySegment w, long offset, Activations x, int xElement, int count) {
        return FORMAT.dotScalar(w, offset, x, xElement, count);
    }
}
