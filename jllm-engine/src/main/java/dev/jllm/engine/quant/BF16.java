package dev.jllm.engine.quant;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** ggml's BF16: little-endian bfloat16 (a float's upper 16 bits). Dot products read activations rounded to BF16. */
public final class BF16 {
    private static final VectorSpecies<Integer> I8 = IntVector.SPECIES_256;

    private BF16() {}

    public static void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        for (int i = 0; i < count; i++) dst[dstOffset + i] = BFloat16.toFloat(src.get(LittleEndian.SHORT, offset + 2L * i));
    }

    /** Rounds like ggml's {@code GGML_FP32_TO_BF16}, see {@link BFloat16#fromFloat}. */
    public static void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int count) {
        for (int i = 0; i < count; i++) dst.set(LittleEndian.SHORT, dstOffset + 2L * i, BFloat16.fromFloat(src[srcOffset + i]));
    }

    /**
     * Σ w·x over BF16 weights and BF16-rounded activations in {@code ggml_vec_dot_bf16}'s order (AVX512-BF16: two
     * 16-lane VDPBF16PS accumulators over steps of 64, each reduced into a double; leftovers added in double).
     */
    static float dot(MemorySegment w, long offset, Activations x, int xElement, int count) {
        return x.hasBf16Pairs() ? dotVector(w, offset, x, xElement, count) : dotScalar(w, offset, x, xElement, count);
    }

    /** {@link #dotScalar}'s two 16-lane accumulators as four 8-lane vectors: the same bits. */
    static float dotVector(MemorySegment w, long offset, Activations x, int xElement, int count) {
        int[] p = x.bf16Pairs;
        FloatVector a0 = FloatVector.zero(GgmlFloat.F8), a1 = a0, b0 = a0, b1 = a0;
        int i = 0;
        for (; i + 64 <= count; i += 64) {
            long o = offset + 2L * i;
            int e = (xElement + i) / 2;
            a0 = dpbf16(a0, w, o, p, e);
            a1 = dpbf16(a1, w, o + 32, p, e + 8);
            b0 = dpbf16(b0, w, o + 64, p, e + 16);
            b1 = dpbf16(b1, w, o + 96, p, e + 24);
        }
        double sum = GgmlFloat.reduce16(a0, a1);
        sum += GgmlFloat.reduce16(b0, b1);
        float[] v = x.values;
        for (; i < count; i++) sum += weight(w, offset, i) * v[xElement + i];
        return (float) sum;
    }

    /** The reference for {@link #dot}: VDPBF16PS lane by lane. */
    static float dotScalar(MemorySegment w, long offset, Activations x, int xElement, int count) {
        float[] v = x.values;
        float[] lanes = new float[32];
        int i = 0;
        for (; i + 64 <= count; i += 64) {
            dpbf16(lanes, 0, w, offset + 2L * i, v, xElement + i);
            dpbf16(lanes, 16, w, offset + 2L * (i + 32), v, xElement + i + 32);
        }
        double sum = GgmlFloat.reduce16(lanes, 0, 1);
        sum += GgmlFloat.reduce16(lanes, 16, 1);
        for (; i < count; i++) sum += weight(w, offset, i) * v[xElement + i];
        return (float) sum;
    }

    /**
     * Σ w·x in the order of llamafile's tinyBLAS for BF16 × BF16 with AVX512-BF16 ({@code tinyBLAS<32, __m512,
     * __m512bh>}): one 16-lane VDPBF16PS accumulator over steps of 32, then _mm512_reduce_add_ps. count % 32 == 0.
     */
    static float dotTiled(MemorySegment w, long offset, Activations x, int xElement, int count) {
        return x.hasBf16Pairs() ? dotTiledVector(w, offset, x, xElement, count) : dotTiledScalar(w, offset, x, xElement, count);
    }

    /** {@link #dotTiledScalar}'s 16 lanes as two 8-lane vectors: the same bits. */
    static float dotTiledVector(MemorySegment w, long offset, Activations x, int xElement, int count) {
        int[] p = x.bf16Pairs;
        FloatVector lo = FloatVector.zero(GgmlFloat.F8), hi = lo;
        for (int i = 0; i < count; i += 32) {
            int e = (xElement + i) / 2;
            lo = dpbf16(lo, w, offset + 2L * i, p, e);
            hi = dpbf16(hi, w, offset + 2L * i + 32, p, e + 8);
        }
        return GgmlFloat.reduce16(lo, hi);
    }

    /** The reference for {@link #dotTiled}. */
    static float dotTiledScalar(MemorySegment w, long offset, Activations x, int xElement, int count) {
        float[] v = x.values;
        float[] lanes = new float[16];
        for (int i = 0; i < count; i += 32) dpbf16(lanes, 0, w, offset + 2L * i, v, xElement + i);
        return GgmlFloat.reduce16(lanes, 0, 1);
    }

    /**
     * One VDPBF16PS over 32 values: lane t adds the product of pair element 2t+1, then that of 2t, each addition
     * rounded (bf16 products are exact in float).
     */
    private static void dpbf16(float[] lanes, int l0, MemorySegment w, long offset, float[] v, int x) {
        for (int t = 0; t < 16; t++) {
            float odd = weight(w, offset, 2 * t + 1) * v[x + 2 * t + 1];
            float even = weight(w, offset, 2 * t) * v[x + 2 * t];
            lanes[l0 + t] = (lanes[l0 + t] + odd) + even;
        }
    }

    /**
     * Eight VDPBF16PS lanes over 16 values: lane t adds the product of values 2t+1, then that of 2t, of the weights
     * at {@code offset} and the activation pairs from {@code pair}. A pair's high half is its odd value's bits in
     * place; the low half shifted up is the even value's.
     */
    private static FloatVector dpbf16(FloatVector lanes, MemorySegment w, long offset, int[] pairs, int pair) {
        IntVector wp = IntVector.fromMemorySegment(I8, w, offset, ByteOrder.LITTLE_ENDIAN);
        IntVector xp = IntVector.fromArray(I8, pairs, pair);
        FloatVector odd = wp.and(0xFFFF0000).reinterpretAsFloats().mul(xp.and(0xFFFF0000).reinterpretAsFloats());
        FloatVector even = wp.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats()
                .mul(xp.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats());
        return lanes.add(odd).add(even);
    }

    private static float weight(MemorySegment w, long offset, int i) {
        return BFloat16.toFloat(w.get(LittleEndian.SHORT, offset + 2L * i));
    }
}
