package dev.jllm.engine.quant;

import java.lang.foreign.MemorySegment;

/** ggml's F32: little-endian IEEE floats. Products run in {@link DequantizedProduct}. */
public final class F32 {
    private F32() {}

    public static void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        MemorySegment.copy(src, LittleEndian.FLOAT, offset, dst, dstOffset, count);
    }

    public static void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int count) {
        MemorySegment.copy(src, srcOffset, dst, LittleEndian.FLOAT, dstOffset, count);
    }
}
