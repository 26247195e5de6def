package dev.jllm.engine.quant;

import java.lang.foreign.MemorySegment;

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

    /**
     * Σ w·x over BF16 weights and BF16-rounded activations in {@code ggml_vec_dot_bf16}'s order (AVX512-BF16: two
     * 16-lane VDPBF16PS accumulators over steps of 64, each reduced into a double; leftovers added in double).
     */
    static float dot(MemorySegment w, long offset, Activations x, int xElement, int count) {
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

    private static float weight(MemorySegment w, long offset, int i) {
        return BFloat16.toFloat(w.get(LittleEndian.SHORT, offset + 2L * i));
    }
}
