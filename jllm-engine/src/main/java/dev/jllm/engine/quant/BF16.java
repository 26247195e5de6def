package dev.jllm.engine.quant;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/** ggml's BF16: little-endian bfloat16 (a float's upper 16 bits). Dot products read activations rounded to BF16. */
public final class BF16 {
    private BF16() {}

    public static void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        for (int i = 0; i < count; i++) dst[dstOffset + i] = BFloat16.toFloat(src.get(LittleEndian.SHORT, offset + 2L * i));
    }

    /** Rounds like ggml's {@code GGML_FP32_TO_BF16}, see {@link BFloat16#fromFloat}. */
    public static void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int count) {
        for (int i = 0; i < count; i++) dst.set(LittleEndian.SHORT, dstOffset + 2L * i, BFloat16.fromFloat(src[srcOffset + i]));
    }

    /** Σ w·x in float over BF16 weights and BF16-rounded activations, like {@code ggml_vec_dot_bf16}. */
    static float dot(MemorySegment w, long offset, Activations x, int xElement, int count) {
        return Simd.ENABLED ? dotVector(w, offset, x, xElement, count) : dotScalar(w, offset, x, xElement, count);
    }

    static float dotScalar(MemorySegment w, long offset, Activations x, int xElement, int count) {
        float[] v = x.values;
        float sum = 0;
        for (int i = 0; i < count; i++) sum += BFloat16.toFloat(w.get(LittleEndian.SHORT, offset + 2L * i)) * v[xElement + i];
        return sum;
    }

    static float dotVector(MemorySegment w, long offset, Activations x, int xElement, int count) {
        float[] v = x.values;
        int lanes = Simd.LANES;
        FloatVector acc = FloatVector.zero(Simd.F);
        int i = 0;
        for (; i + lanes <= count; i += lanes) {
            ShortVector bits = ShortVector.fromMemorySegment(Simd.S, w, offset + 2L * i, ByteOrder.LITTLE_ENDIAN);
            FloatVector wv = Simd.widenUnsigned(bits).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            acc = wv.fma(FloatVector.fromArray(Simd.F, v, xElement + i), acc);
        }
        float sum = Simd.sum(acc);
        for (; i < count; i++) sum += BFloat16.toFloat(w.get(LittleEndian.SHORT, offset + 2L * i)) * v[xElement + i];
        return sum;
    }
}
