package dev.jllm.engine.quant;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;

/** ggml's F16: little-endian IEEE half floats. Dot products read activations rounded to F16 (ggml's vec_dot_type). */
public final class F16 {
    private F16() {}

    public static void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        for (int i = 0; i < count; i++) dst[dstOffset + i] = LittleEndian.f16(src, offset + 2L * i);
    }

    /** Rounds to nearest even, like ggml's {@code GGML_FP32_TO_FP16}. */
    public static void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int count) {
        for (int i = 0; i < count; i++) LittleEndian.putF16(dst, dstOffset + 2L * i, src[srcOffset + i]);
    }

    /** Σ w·x in float over F16 weights and F16-rounded activations, like {@code ggml_vec_dot_f16}. */
    static float dot(MemorySegment w, long offset, Activations x, int xElement, int count) {
        return Simd.ENABLED ? dotVector(w, offset, x, xElement, count) : dotScalar(w, offset, x, xElement, count);
    }

    static float dotScalar(MemorySegment w, long offset, Activations x, int xElement, int count) {
        float[] v = x.values;
        float sum = 0;
        for (int i = 0; i < count; i++) sum += LittleEndian.f16(w, offset + 2L * i) * v[xElement + i];
        return sum;
    }

    static float dotVector(MemorySegment w, long offset, Activations x, int xElement, int count) {
        float[] v = x.values;
        int lanes = Simd.LANES;
        FloatVector acc = FloatVector.zero(Simd.F);
        int i = 0;
        for (; i + lanes <= count; i += lanes) {
            ShortVector half = ShortVector.fromMemorySegment(Simd.S, w, offset + 2L * i, ByteOrder.LITTLE_ENDIAN);
            acc = Simd.halfToFloat(Simd.widenUnsigned(half)).fma(FloatVector.fromArray(Simd.F, v, xElement + i), acc);
        }
        float sum = Simd.sum(acc);
        for (; i < count; i++) sum += LittleEndian.f16(w, offset + 2L * i) * v[xElement + i];
        return sum;
    }
}
