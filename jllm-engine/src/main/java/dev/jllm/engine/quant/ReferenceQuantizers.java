package dev.jllm.engine.quant;

import dev.jllm.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/** ggml's reference quantizers ({@code quantize_row_*_ref}) by type, for writing tensors the way llama.cpp would. */
public final class ReferenceQuantizers {
    private ReferenceQuantizers() {}

    /**
     * Quantizes {@code count} values of {@code src} into {@code dst} as {@code type}; returns false, writing
     * nothing, when there is no reference quantizer for that type.
     */
    public static boolean quantize(GgmlType type, float[] src, int srcOffset, MemorySegment dst, long dstOffset, int count) {
        switch (type) {
            case F32 -> F32.quantize(src, srcOffset, dst, dstOffset, count);
            case F16 -> F16.quantize(src, srcOffset, dst, dstOffset, count);
            case BF16 -> BF16.quantize(src, srcOffset, dst, dstOffset, count);
            case Q8_0 -> Q8_0.quantize(src, srcOffset, dst, dstOffset, count);
            case Q8_1 -> Q8_1.quantize(src, srcOffset, dst, dstOffset, count);
            case Q4_0 -> Q4_0.quantize(src, srcOffset, dst, dstOffset, count);
            case Q4_1 -> Q4_1.quantize(src, srcOffset, dst, dstOffset, count);
            case Q5_0 -> Q5_0.quantize(src, srcOffset, dst, dstOffset, count);
            case Q5_1 -> Q5_1.quantize(src, srcOffset, dst, dstOffset, count);
            case Q8_K -> Q8_K.quantize(src, srcOffset, dst, dstOffset, count);
            case Q2_K -> Q2_K.quantize(src, srcOffset, dst, dstOffset, count);
            case Q3_K -> Q3_K.quantize(src, srcOffset, dst, dstOffset, count);
            case Q4_K -> Q4_K.quantize(src, srcOffset, dst, dstOffset, count);
            case Q5_K -> Q5_K.quantize(src, srcOffset, dst, dstOffset, count);
            case Q6_K -> Q6_K.quantize(src, srcOffset, dst, dstOffset, count);
            default -> {
                return false;
            }
        }
        return true;
    }
}
