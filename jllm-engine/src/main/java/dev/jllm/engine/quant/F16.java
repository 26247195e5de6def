package dev.jllm.engine.quant;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

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

    /** {@link #dotTiledScalar} on the row widened to floats ({@link GgmlFloat#dotTiled16} has its lane order): the same bits. */
    static float dotTiledVector(MemorySegment w, long offset, Activations x, int xElement, int count) {
        return GgmlFloat.dotTiled16(widen(w, offset, count), 0, x.values, xElement, count);
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

    /** {@link #dotScalar} on the row widened to floats: the same bits. */
    static float dotVector(MemorySegment w, long offset, Activations x, int xElement, int count) {
        return dotWidened(widen(w, offset, count), x.values, xElement, count);
    }

    /** {@link RowKernel.RowBatch}: the row widened once, then {@link #dotTiledVector} or {@link #dotVector}'s arithmetic per vector. */
    static void multiply(MemorySegment w, long offset, int count, Activations x, int first, int end, boolean tiled, float[] out, int o,
            int outStride) {
        float[] row = widen(w, offset, count);
        for (int v = first; v < end; v++) {
            out[o + v * outStride] = tiled ? GgmlFloat.dotTiled16(row, 0, x.values, v * count, count) : dotWidened(row, x.values, v * count, count);
        }
    }

    /** ggml_vec_dot_f16's order over widened weights: 64 lanes as eight 8-lane vectors, the leftovers added in double. */
    private static float dotWidened(float[] w, float[] v, int xElement, int count) {
        int np = count & ~63;
        double sum = 0;
        if (np > 0) {
            FloatVector a0 = FloatVector.zero(GgmlFloat.F8), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (int i = 0; i < np; i += 64) {
                int e = xElement + i;
                a0 = FloatVector.fromArray(GgmlFloat.F8, w, i).fma(FloatVector.fromArray(GgmlFloat.F8, v, e), a0);
                a1 = FloatVector.fromArray(GgmlFloat.F8, w, i + 8).fma(FloatVector.fromArray(GgmlFloat.F8, v, e + 8), a1);
                a2 = FloatVector.fromArray(GgmlFloat.F8, w, i + 16).fma(FloatVector.fromArray(GgmlFloat.F8, v, e + 16), a2);
                a3 = FloatVector.fromArray(GgmlFloat.F8, w, i + 24).fma(FloatVector.fromArray(GgmlFloat.F8, v, e + 24), a3);
                a4 = FloatVector.fromArray(GgmlFloat.F8, w, i + 32).fma(FloatVector.fromArray(GgmlFloat.F8, v, e + 32), a4);
                a5 = FloatVector.fromArray(GgmlFloat.F8, w, i + 40).fma(FloatVector.fromArray(GgmlFloat.F8, v, e + 40), a5);
                a6 = FloatVector.fromArray(GgmlFloat.F8, w, i + 48).fma(FloatVector.fromArray(GgmlFloat.F8, v, e + 48), a6);
                a7 = FloatVector.fromArray(GgmlFloat.F8, w, i + 56).fma(FloatVector.fromArray(GgmlFloat.F8, v, e + 56), a7);
            }
            FloatVector lo = a0.add(a4).add(a2.add(a6));
            FloatVector hi = a1.add(a5).add(a3.add(a7));
            sum = GgmlFloat.reduce16(lo, hi);
        }
        for (int i = np; i < count; i++) sum += w[i] * v[xElement + i];
        return (float) sum;
    }

    /** This thread's float copy of the {@code count} halves at {@code offset}, widened exactly (C2 vectorizes the loop). */
    private static float[] widen(MemorySegment w, long offset, int count) {
        short[] halves = RowScratch.halves(w, offset, count);
        float[] row = RowScratch.floats(count);
        for (int i = 0; i < count; i++) row[i] = Float.float16ToFloat(halves[i]);
        return row;
    }
}
