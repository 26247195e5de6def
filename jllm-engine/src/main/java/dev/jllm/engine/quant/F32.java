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
        float[] v = x.values;
        if (!Simd.ENABLED) {
            float[] lanes = new float[16];
            for (int i = 0; i < count; i++) lanes[i & 15] = Math.fma(LittleEndian.f32(w, offset + 4L * i), v[xElement + i], lanes[i & 15]);
            return GgmlFloat.reduce16(lanes, 0, 1);
        }
        FloatVector lo = FloatVector.zero(GgmlFloat.F8), hi = FloatVector.zero(GgmlFloat.F8);
        for (int i = 0; i < count; i += 16) {
            lo = load(w, offset + 4L * i).fma(FloatVector.fromArray(GgmlFloat.F8, v, xElement + i), lo);
            hi = load(w, offset + 4L * (i + 8)).fma(FloatVector.fromArray(GgmlFloat.F8, v, xElement + i + 8), hi);
        }
        return GgmlFloat.reduce16(lo, hi);
    }

    static float dotScalar(MemorySegment w, long offset, Activations x, int xElement, int count) {
        float[] v = x.values;
        int np = count & ~63;
        float[] lanes = new float[64];
        for (int i = 0; i < np; i++) lanes[i & 63] = Math.fma(LittleEndian.f32(w, offset + 4L * i), v[xElement + i], lanes[i & 63]);
        for (int l = 0; l < 16; l++) lanes[l] = (lanes[l] + lanes[32 + l]) + (lanes[16 + l] + lanes[48 + l]);
        float sum = np > 0 ? GgmlFloat.reduce16(lanes, 0, 1) : 0f;
        return leftovers(w, offset, v, xElement, np, count, sum);
    }

    static float dotVector(MemorySegment w, long offset, Activations x, int xElement, int count) {
        float[] v = x.values;
        int np = count & ~63;
        float sum = 0;
        if (np > 0) {
            FloatVector[] acc = new FloatVector[8];
            java.util.Arrays.fill(acc, FloatVector.zero(GgmlFloat.F8));
            for (int i = 0; i < np; i += 64) {
                for (int j = 0; j < 8; j++) {
                    acc[j] = load(w, offset + 4L * (i + 8 * j)).fma(FloatVector.fromArray(GgmlFloat.F8, v, xElement + i + 8 * j), acc[j]);
                }
            }
            FloatVector lo = acc[0].add(acc[4]).add(acc[2].add(acc[6]));
            FloatVector hi = acc[1].add(acc[5]).add(acc[3].add(acc[7]));
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
