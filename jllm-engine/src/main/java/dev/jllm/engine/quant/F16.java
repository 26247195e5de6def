package dev.jllm.engine.quant;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

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

    /**
     * Σ w·x over F16 weights and F16-rounded activations in {@code ggml_vec_dot_f16}'s order (AVX-512: four 16-lane
     * FMA accumulators over steps of 64, reduced pairwise into a double, leftovers added in double).
     */
    static float dot(MemorySegment w, long offset, Activations x, int xElement, int count) {
        return Simd.ENABLED ? dotVector(w, offset, x, xElement, count) : dotScalar(w, offset, x, xElement, count);
    }

    /** Σ w·x in the order of llamafile's tinyBLAS for F16 × F16 (16 FMA lanes, then _mm512_reduce_add_ps). */
    static float dotTiled(MemorySegment w, long offset, Activations x, int xElement, int count) {
        float[] v = x.values;
        float[] lanes = new float[16];
        for (int i = 0; i < count; i++) lanes[i & 15] = Math.fma(LittleEndian.f16(w, offset + 2L * i), v[xElement + i], lanes[i & 15]);
        return GgmlFloat.reduce16(lanes, 0, 1);
    }

    static float dotScalar(MemorySegment w, long offset, Activations x, int xElement, int count) {
        float[] v = x.values;
        int np = count & ~63;
        float[] lanes = new float[64];
        for (int i = 0; i < np; i++) lanes[i & 63] = Math.fma(LittleEndian.f16(w, offset + 2L * i), v[xElement + i], lanes[i & 63]);
        for (int l = 0; l < 16; l++) lanes[l] = (lanes[l] + lanes[32 + l]) + (lanes[16 + l] + lanes[48 + l]);
        double sum = np > 0 ? GgmlFloat.reduce16(lanes, 0, 1) : 0;
        for (int i = np; i < count; i++) sum += LittleEndian.f16(w, offset + 2L * i) * v[xElement + i];
        return (float) sum;
    }

    static float dotVector(MemorySegment w, long offset, Activations x, int xElement, int count) {
        float[] v = x.values;
        int np = count & ~63;
        double sum = 0;
        if (np > 0) {
            FloatVector[] acc = new FloatVector[8];
            java.util.Arrays.fill(acc, FloatVector.zero(GgmlFloat.F8));
            for (int i = 0; i < np; i += 64) {
                for (int j = 0; j < 8; j++) {
                    ShortVector half = ShortVector.fromMemorySegment(ShortVector.SPECIES_128, w, offset + 2L * (i + 8 * j), ByteOrder.LITTLE_ENDIAN);
                    IntVector bits = ((IntVector) half.convertShape(VectorOperators.S2I, IntVector.SPECIES_256, 0)).and(0xFFFF);
                    acc[j] = Simd.halfToFloat(bits).fma(FloatVector.fromArray(GgmlFloat.F8, v, xElement + i + 8 * j), acc[j]);
                }
            }
            FloatVector lo = acc[0].add(acc[4]).add(acc[2].add(acc[6]));
            FloatVector hi = acc[1].add(acc[5]).add(acc[3].add(acc[7]));
            sum = GgmlFloat.reduce16(lo, hi);
        }
        for (int i = np; i < count; i++) sum += LittleEndian.f16(w, offset + 2L * i) * v[xElement + i];
        return (float) sum;
    }
}
