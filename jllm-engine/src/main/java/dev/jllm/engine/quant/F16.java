package dev.jllm.engine.quant;

import java.lang.foreign.MemorySegment;

/** ggml's F16: little-endian IEEE half floats. Products run in {@link DequantizedProduct} on the exactly widened values. */
public final class F16 {
    private F16() {}

    /** Widens {@code count} halves from {@code offset} exactly (through a short[] copy, so that C2 vectorizes the loop). */
    public static void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        short[] halves = RowScratch.halves(src, offset, count);
        for (int i = 0; i < count; i++) dst[dstOffset + i] = Float.float16ToFloat(halves[i]);
    }

    /** Rounds to nearest even, like ggml's {@code GGML_FP32_TO_FP16}. */
    public static void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int count) {
        for (int i = 0; i < count; i++) LittleEndian.putF16(dst, dstOffset + 2L * i, src[srcOffset + i]);
    }
}
