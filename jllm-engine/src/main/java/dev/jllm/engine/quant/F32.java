package dev.jllm.engine.quant;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;

/** ggml's F32: little-endian IEEE floats. Dot products read F32 activations as they are. */
public final class F32 {
    private F32() {}

    public static void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        MemorySegment.copy(src, LittleEndian.FLOAT, offset, dst, dstOffset, count);
    }

    public static void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int count) {
        MemorySegment.copy(src, srcOffset, dst, LittleEndian.FLOAT, dstOffset, count);
    }

    /** Σ w·x in float, like {@code ggml_vec_dot_f32} (summation order differs). */
    static float dot(MemorySegment w, long offset, Activations x, int xElement, int count) {
        return Simd.ENABLED ? dotVector(w, offset, x, xElement, count) : dotScalar(w, offset, x, xElement, count);
    }

    static float dotScalar(MemorySegment w, long offset, Activations x, int xElement, int count) {
        float[] v = x.values;
        float sum = 0;
        for (int i = 0; i < count; i++) sum += LittleEndian.f32(w, offset + 4L * i) * v[xElement + i];
        return sum;
    }

    static float dotVector(MemorySegment w, long offset, Activations x, int xElement, int count) {
        float[] v = x.values;
        int lanes = Simd.LANES;
        FloatVector acc0 = FloatVector.zero(Simd.F);
        FloatVector acc1 = FloatVector.zero(Simd.F);
        int i = 0;
        for (; i + 2 * lanes <= count; i += 2 * lanes) {
            FloatVector w0 = FloatVector.fromMemorySegment(Simd.F, w, offset + 4L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector w1 = FloatVector.fromMemorySegment(Simd.F, w, offset + 4L * (i + lanes), ByteOrder.LITTLE_ENDIAN);
            acc0 = w0.fma(FloatVector.fromArray(Simd.F, v, xElement + i), acc0);
            acc1 = w1.fma(FloatVector.fromArray(Simd.F, v, xElement + i + lanes), acc1);
        }
        for (; i + lanes <= count; i += lanes) {
            FloatVector w0 = FloatVector.fromMemorySegment(Simd.F, w, offset + 4L * i, ByteOrder.LITTLE_ENDIAN);
            acc0 = w0.fma(FloatVector.fromArray(Simd.F, v, xElement + i), acc0);
        }
        float sum = Simd.sum(acc0.add(acc1));
        for (; i < count; i++) sum += LittleEndian.f32(w, offset + 4L * i) * v[xElement + i];
        return sum;
    }
}
