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

    /** Σ w·x in {@code ggml_vec_dot_f32}'s order (see {@link GgmlFloat#dot}). */
    static float dot(MemorySegment w, long offset, Activations x, int xElement, int count) {
        return Simd.ENABLED ? dotVector(w, offset, x, xElement, count) : dotScalar(w, offset, x, xElement, count);
    }

    /** Σ w·x in the order of llamafile's tinyBLAS for F32 (see {@link GgmlFloat#dotTiled16}); count % 16 == 0. */
    static float dotTiled(MemorySegment w, long offset, Activations x, int xElement, int count) {
        return Simd.ENABLED ? dotTiledVector(w, offset, x, xElement, count) : dotTiledScalar(w, offset, x, xElement, count);
    }

    /** The reference for {@link #dotTiled}: 16 FMA lanes, value i in lane i % 16, then _mm512_reduce_add_ps. */
    static float dotTiledScalar(MemorySegment w, long offset, Activations x, int xElement, int count) {
        float[] v = x.values;
        float[] lanes = new float[16];
        for (int i = 0; i < count; i++) lanes[i & 15] = Math.fma(LittleEndian.f32(w, offset + 4L * i), v[xElement + i], lanes[i & 15]);
        return GgmlFloat.reduce16(lanes, 0, 1);
    }

    static float dotTiledVector(MemorySegment w, long offset, Activations x, int xElement, int count) {
        float[] v = x.values;
        FloatVector lo = FloatVector.zero(GgmlFloat.F8), hi = FloatVector.zero(GgmlFloat.F8);
        for (int i = 0; i < count; i += 16) {
            lo = load(w, offset + 4L * i).fma(FloatVector.fromArray(GgmlFloat.F8, v, xElement + i), lo);
            hi = load(w, offset + 4L * (i + 8)).fma(FloatVector.fromArray(GgmlFloat.F8, v, xElement + i + 8), hi);
        }
        return GgmlFloat.reduce16(lo, hi);
    }

    /** The reference for {@link #dot}: 64 FMA lanes over steps of 64, reduced as ggml_vec_dot_f32 does, then the leftovers. */
    static float dotScalar(MemorySegment w, long offset, Activations x, int xElement, int count) {
        float[] v = x.values;
        int np = count & ~63;
        float[] lanes = new float[64];
        for (int i = 0; i < np; i++) lanes[i & 63] = Math.fma(LittleEndian.f32(w, offset + 4L * i), v[xElement + i], lanes[i & 63]);
        for (int l = 0; l < 16; l++) lanes[l] = (lanes[l] + lanes[32 + l]) + (lanes[16 + l] + lanes[48 + l]);
        float sum = np > 0 ? GgmlFloat.reduce16(lanes, 0, 1) : 0f;
        return leftovers(w, offset, v, xElement, np, count, sum);
    }

    /** {@link #dotScalar}'s 64 lanes as eight 8-lane vectors: the same bits. */
    static float dotVector(MemorySegment w, long offset, Activations x, int xElement, int count) {
        float[] v = x.values;
        int np = count & ~63;
        float sum = 0;
        if (np > 0) {
            FloatVector a0 = FloatVector.zero(GgmlFloat.F8), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (int i = 0; i < np; i += 64) {
                long o = offset + 4L * i;
                int e = xElement + i;
                a0 = load(w, o).fma(FloatVector.fromArray(GgmlFloat.F8, v, e), a0);
                a1 = load(w, o + 32).fma(FloatVector.fromArray(GgmlFloat.F8, v, e + 8), a1);
                a2 = load(w, o + 64).fma(FloatVector.fromArray(GgmlFloat.F8, v, e + 16), a2);
                a3 = load(w, o + 96).fma(FloatVector.fromArray(GgmlFloat.F8, v, e + 24), a3);
                a4 = load(w, o + 128).fma(FloatVector.fromArray(GgmlFloat.F8, v, e + 32), a4);
                a5 = load(w, o + 160).fma(FloatVector.fromArray(GgmlFloat.F8, v, e + 40), a5);
                a6 = load(w, o + 192).fma(FloatVector.fromArray(GgmlFloat.F8, v, e + 48), a6);
                a7 = load(w, o + 224).fma(FloatVector.fromArray(GgmlFloat.F8, v, e + 56), a7);
            }
            // ggml's sum[0] += sum[2], sum[1] += sum[3], sum[0] += sum[1], each 16 lanes being two of these
            FloatVector lo = a0.add(a4).add(a2.add(a6));
            FloatVector hi = a1.add(a5).add(a3.add(a7));
            sum = GgmlFloat.reduce16(lo, hi);
        }
        return leftovers(w, offset, v, xElement, np, count, sum);
    }

    /** ggml_vec_dot_f32's leftover loop over [np, count) (see {@link GgmlFloat#leftoverFmaStart}). */
    private static float leftovers(MemorySegment w, long offset, float[] v, int xElement, int np, int count, float sum) {
        int fma = GgmlFloat.leftoverFmaStart(np, count);
        for (int i = np; i < fma; i++) sum += LittleEndian.f32(w, offset + 4L * i) * v[xElement + i];
        for (int i = fma; i < count; i++) sum = Math.fma(LittleEndian.f32(w, offset + 4L * i), v[xElement + i], sum);
        return sum;
    }

    private static FloatVector load(MemorySegment w, long offset) {
        return FloatVector.fromMemorySegment(GgmlFloat.F8, w, offset, ByteOrder.LITTLE_ENDIAN);
    }
}
