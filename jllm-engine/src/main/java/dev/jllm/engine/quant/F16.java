package dev.jllm.engine.quant;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

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
     * Σ w·x over F16 weights and F16-rounded activations as {@code ggml_vec_dot_f16} computes it on the AVX512-FP16
     * CPUs llama.cpp's reference outputs come from: four accumulators of 32 half-precision lanes over steps of 128
     * ({@code __m512h}, {@code _mm512_fmadd_ph}), reduced pairwise and then by {@code _mm512_reduce_add_ph}, every
     * operation rounding to F16; the leftovers past the last multiple of 128 are added in double.
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

    /**
     * {@link RowKernel.RowBatch}: for tinyBLAS tiles the row is widened once and each vector takes {@link #dotTiledVector}'s
     * arithmetic; otherwise each vector takes {@link #dot} (ggml_vec_dot_f16's half-precision order).
     */
    static void multiply(MemorySegment w, long offset, int count, Activations x, int first, int end, boolean tiled, float[] out, int o,
            int outStride) {
        float[] row = tiled ? widen(w, offset, count) : null;
        for (int v = first; v < end; v++) {
            out[o + v * outStride] = tiled ? GgmlFloat.dotTiled16(row, 0, x.values, v * count, count) : dot(w, offset, x, v * count, count);
        }
    }

    /** This thread's float copy of the {@code count} halves at {@code offset}, widened exactly (C2 vectorizes the loop). */
    private static float[] widen(MemorySegment w, long offset, int count) {
        short[] halves = RowScratch.halves(w, offset, count);
        float[] row = RowScratch.floats(count);
        for (int i = 0; i < count; i++) row[i] = Float.float16ToFloat(halves[i]);
        return row;
    }

    static float dotScalar(MemorySegment w, long offset, Activations x, int xElement, int count) {
        float[] v = x.values;
        int np = count & ~127;
        double sum = 0;
        if (np > 0) {
            double[] acc = new double[128]; // accumulator j, lane l at 32 * j + l
            for (int i = 0; i < np; i += 128) {
                for (int k = 0; k < 128; k++) {
                    float product = LittleEndian.f16(w, offset + 2L * (i + k)) * v[xElement + i + k]; // exact: 11 x 11 bits
                    acc[k] = roundToHalf(product + acc[k]);
                }
            }
            sum = reduceHalves(acc);
        }
        return leftovers(w, offset, v, xElement, np, count, sum);
    }

    static float dotVector(MemorySegment w, long offset, Activations x, int xElement, int count) {
        float[] v = x.values;
        int np = count & ~127;
        double sum = 0;
        if (np > 0) {
            float[] row = widen(w, offset, np);
            int doubles = D.length();
            DoubleVector[] acc = new DoubleVector[128 / doubles];
            java.util.Arrays.fill(acc, DoubleVector.zero(D));
            for (int i = 0; i < np; i += 128) {
                for (int k = 0; k < 128; k += Simd.LANES) {
                    FloatVector product = FloatVector.fromArray(Simd.F, row, i + k).mul(FloatVector.fromArray(Simd.F, v, xElement + i + k));
                    for (int part = 0; part < Simd.LANES / doubles; part++) {
                        int a = k / doubles + part;
                        acc[a] = roundToHalf(((DoubleVector) product.convertShape(VectorOperators.F2D, D, part)).add(acc[a]));
                    }
                }
            }
            double[] lanes = new double[128];
            for (int a = 0; a < acc.length; a++) acc[a].intoArray(lanes, a * doubles);
            sum = reduceHalves(lanes);
        }
        return leftovers(w, offset, v, xElement, np, count, sum);
    }

    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final long HALF_QUANTUM_MIN = 1023 - 24; // biased exponent of the smallest half step, 2^-24

    /**
     * Rounds a double to the nearest half-precision value (ties to even), as a double. The sum of two F16 values or
     * of an F16 value and a product of two is exact in double wherever the rounding can tell, so this is the F16
     * operation's single rounding.
     */
    static double roundToHalf(double d) {
        long exponent = (Double.doubleToRawLongBits(d) >>> 52) & 0x7FF;
        if (exponent >= 1023 + 16) return Double.isNaN(d) ? d : Math.copySign(Double.POSITIVE_INFINITY, d);
        // adding 1.5 * 2^52 steps rounds to a multiple of the step: 2^(e - 10), at least 2^-24
        long step = Math.max(exponent - 10, HALF_QUANTUM_MIN);
        double magic = Double.longBitsToDouble(((step + 52) << 52) | (1L << 51));
        double r = (d + magic) - magic;
        return Math.abs(r) > 65504 ? Math.copySign(Double.POSITIVE_INFINITY, d) : r;
    }

    /** {@link #roundToHalf(double)} lane-wise. */
    static DoubleVector roundToHalf(DoubleVector d) {
        LongVector exponent = d.reinterpretAsLongs().lanewise(VectorOperators.LSHR, 52).and(0x7FF);
        LongVector step = exponent.sub(10).max(HALF_QUANTUM_MIN).min(1023 + 16);
        DoubleVector magic = step.add(52).lanewise(VectorOperators.LSHL, 52).or(1L << 51).reinterpretAsDoubles();
        DoubleVector r = d.add(magic).sub(magic);
        VectorMask<Double> overflow = r.abs().compare(VectorOperators.GT, 65504);
        DoubleVector infinity = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        return r.blend(infinity.blend(infinity.neg(), d.compare(VectorOperators.LT, 0)), overflow);
    }

    /**
     * The end of ggml_vec_dot_f16's F16 path: sum[0] += sum[2], sum[1] += sum[3], sum[0] += sum[1] lane-wise, then
     * _mm512_reduce_add_ph (lanes l and l + 16 added, then l and l + 8, ... down to one), each addition rounded to F16.
     */
    private static double reduceHalves(double[] acc) {
        for (int l = 0; l < 32; l++) {
            double a = roundToHalf(acc[l] + acc[64 + l]), b = roundToHalf(acc[32 + l] + acc[96 + l]);
            acc[l] = roundToHalf(a + b);
        }
        for (int width = 16; width >= 1; width >>= 1) {
            for (int l = 0; l < width; l++) acc[l] = roundToHalf(acc[l] + acc[l + width]);
        }
        return acc[0];
    }

    /** ggml_vec_dot_f16's leftover loop: float products added in double. */
    private static float leftovers(MemorySegment w, long offset, float[] v, int xElement, int np, int count, double sum) {
        for (int i = np; i < count; i++) sum += LittleEndian.f16(w, offset + 2L * i) * v[xElement + i];
        return (float) sum;
    }
}
