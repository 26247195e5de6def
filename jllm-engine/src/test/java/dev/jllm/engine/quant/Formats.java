package dev.jllm.engine.quant;

import dev.jllm.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/** Test access to every format's dequantizer and reference quantizer by type. */
final class Formats {
    private Formats() {}

    static float[] dequantize(GgmlType type, MemorySegment src, int count) {
        float[] y = new float[count];
        switch (type) {
            case F32 -> F32.dequantize(src, 0, y, 0, count);
            case F16 -> F16.dequantize(src, 0, y, 0, count);
            case BF16 -> BF16.dequantize(src, 0, y, 0, count);
            case Q8_0 -> Q8_0.dequantize(src, 0, y, 0, count);
            case Q8_1 -> Q8_1.dequantize(src, 0, y, 0, count);
            case Q4_0 -> Q4_0.dequantize(src, 0, y, 0, count);
            case Q4_1 -> Q4_1.dequantize(src, 0, y, 0, count);
            case Q5_0 -> Q5_0.dequantize(src, 0, y, 0, count);
            case Q5_1 -> Q5_1.dequantize(src, 0, y, 0, count);
            case Q8_K -> Q8_K.dequantize(src, 0, y, 0, count);
            case Q2_K -> Q2_K.dequantize(src, 0, y, 0, count);
            case Q3_K -> Q3_K.dequantize(src, 0, y, 0, count);
            case Q4_K -> Q4_K.dequantize(src, 0, y, 0, count);
            case Q5_K -> Q5_K.dequantize(src, 0, y, 0, count);
            case Q6_K -> Q6_K.dequantize(src, 0, y, 0, count);
            default -> throw new IllegalArgumentException(type.name());
        }
        return y;
    }

    static MemorySegment quantize(GgmlType type, float[] x) {
        MemorySegment s = MemorySegment.ofArray(new byte[(int) type.bytesFor(x.length)]);
        if (!ReferenceQuantizers.quantize(type, x, 0, s, 0, x.length)) throw new IllegalArgumentException(type.name());
        return s;
    }

    static float[] roundTrip(GgmlType type, float[] x) {
        return dequantize(type, quantize(type, x), x.length);
    }
}
