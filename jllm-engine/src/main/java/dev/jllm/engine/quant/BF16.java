package dev.jllm.engine.quant;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/** ggml's BF16: little-endian bfloat16 (a float's upper 16 bits). Products run in {@link DequantizedProduct}. */
public final class BF16 {
    private BF16() {}

    /** Widens {@code count} bfloat16 values from {@code offset} exactly (a short[] copy, then a loop C2 vectorizes). */
    public static void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        short[] halves = RowScratch.halves(src, offset, count);
        for (int i = 0; i < count; i++) dst[dstOffset + i] = BFloat16.toFloat(halves[i]);
    }

    /** bfloat16 bits moved into the upper half of a float. */
    static FloatVector widen(ShortVector values) {
        return ((IntVector) values.convertShape(VectorOperators.S2I, Simd.I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** Rounds like ggml's {@code GGML_FP32_TO_BF16}, see {@link BFloat16#fromFloat}. */
    public static void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int count) {
        for (int i = 0; i < count; i++) dst.set(LittleEndian.SHORT, dstOffset + 2L * i, BFloat16.fromFloat(src[srcOffset + i]));
    }
}
