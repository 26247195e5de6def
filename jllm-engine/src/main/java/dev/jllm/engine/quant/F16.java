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

    /** Σ w·x in the order of llamafile's tinyBLAS for F16 × F16 (16 FMA lanes, then _mm512_reduce_add_ps); count % 16 == 0. */
    static float dotTiled(MemorySegment w, long offset, Activations x, int xElement, int count) {
        return Simd.ENABLED ? dotTiledVector(w, offset, x, xElement, count) : dotTiledScalar(w, offset, x, xElement, count);
    }

    /** {@link #dotTiledScalar}'s 16 lanes as two 8-lane vectors: the same bits. */
    static float dotTiledVector(MemorySegment w, long offset, Activations x, int xElement, int count) {
        float[] v = x.values;
        FloatVector lo = FloatVector.zero(GgmlFloat.F8), hi = FloatVector.zero(GgmlFloat.F8);
        for (int i = 0; i < count; i += 16) {
            lo = halves(w, offset + 2L * i).fma(FloatVector.fromArray(GgmlFloat.F8, v, xElement + i), lo);
            hi = halves(w, offset + 2L * (i + 8)).fma(FloatVector.fromArray(GgmlFloat.F8, v, xElement + i + 8), hi);
        }
        return GgmlFloat.reduce16(lo, hi);
    }

    /** The reference for {@link #dotTiled}: value i in FMA lane i % 16. */
    static float dotTiledScalar(MemorySegment w, long offset, Activations x, int xElement, int count) {
        float[] v = x.values;
        float[] lanes = new float[16];
        for (int i = 0; i < count; i++) lanes[i & 15] = Math.fma(LittleEndian.f16(w, offset + 2L * i), v[xElement + i], lanes[i & 15]);
        return GgmlFloat.reduce16(lanes, 0, 1);
    }

    /** The reference for {@link #dot}: 64 FMA lanes over steps of 64, reduced as ggml_vec_dot_f16 does, then the leftovers. */
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

    /** {@link #dotScalar}'s 64 lanes as eight 8-lane vectors: the same bits. */
    static float dotVector(MemorySegment w, long offset, Activations x, int xElement, int count) {
        float[] v = x.values;
        int np = count & ~63;
        double sum = 0;
        if (np > 0) {
            FloatVector a0 = FloatVector.zero(GgmlFloat.F8), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (int i = 0; i < np; i += 64) {
                long o = offset + 2L * i;
                int e = xElement + i;
                a0 = halves(w, o).fma(FloatVector.fromArray(GgmlFloat.F8, v, e), a0);
                a1 = halves(w, o + 16).fma(FloatVector.fromArray(GgmlFloat.F8, v, e + 8), a1);
                a2 = halves(w, o + 32).fma(FloatVector.fromArray(GgmlFloat.F8, v, e + 16), a2);
                a3 = halves(w, o + 48).fma(FloatVector.fromArray(GgmlFloat.F8, v, e + 24), a3);
                a4 = halves(w, o + 64).fma(FloatVector.fromArray(GgmlFloat.F8, v, e + 32), a4);
                a5 = halves(w, o + 80).fma(FloatVector.fromArray(GgmlFloat.F8, v, e + 40), a5);
                a6 = halves(w, o + 96).fma(FloatVector.fromArray(GgmlFloat.F8, v, e + 48), a6);
                a7 = halves(w, o + 112).fma(FloatVector.fromArray(GgmlFloat.F8, v, e + 56), a7);
            }
            FloatVector lo = a0.add(a4).add(a2.add(a6));
            FloatVector hi = a1.add(a5).add(a3.add(a7));
            sum = GgmlFloat.reduce16(lo, hi);
        }
        for (int i = np; i < count; i++) sum += LittleEndian.f16(w, offset + 2L * i) * v[xElement + i];
        return (float) sum;
    }

    /** Eight halves from {@code offset}, widened exactly. */
    private static FloatVector halves(MemorySegment w, long offset) {
        ShortVector half = ShortVector.fromMemorySegment(ShortVector.SPECIES_128, w, offset, ByteOrder.LITTLE_ENDIAN);
        return Simd.halfToFloat(((IntVector) half.convertShape(VectorOperators.S2I, IntVector.SPECIES_256, 0)).and(0xFFFF));
    }
}
