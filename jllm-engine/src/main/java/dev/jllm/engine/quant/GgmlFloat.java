package dev.jllm.engine.quant;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float arithmetic in the exact order ggml-cpu's x86 AVX-512 build performs it, so that jllm's results are
 * bit-identical to llama.cpp's wherever the next step quantizes them (a one-ulp difference can move an activation
 * across an int8 rounding boundary). ggml's 16-lane {@code __m512} accumulators are emulated with pairs of 8-lane
 * vectors: every operation is lane-wise, so only the lane assignment and the reduction trees matter.
 */
public final class GgmlFloat {
    private GgmlFloat() {}

    /** Eight float lanes, ggml's {@code __m256}. */
    static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;

    /** {@code hsum_float_8}: (v[i] + v[i+4]) for i < 4, then (s0 + s2) + (s1 + s3). */
    static float hsum8(FloatVector v) {
        float s0 = v.lane(0) + v.lane(4), s1 = v.lane(1) + v.lane(5), s2 = v.lane(2) + v.lane(6), s3 = v.lane(3) + v.lane(7);
        return (s0 + s2) + (s1 + s3);
    }

    /** {@link #hsum8} of lanes {@code a[o .. o+8)}. */
    static float hsum8(float[] a, int o) {
        float s0 = a[o] + a[o + 4], s1 = a[o + 1] + a[o + 5], s2 = a[o + 2] + a[o + 6], s3 = a[o + 3] + a[o + 7];
        return (s0 + s2) + (s1 + s3);
    }

    /**
     * {@code ggml_v_expf}, AVX-512 variant, for one lane: ARM's optimized-routines polynomial with the final scaling
     * by {@code _mm512_scalef_ps} (one rounding), and 0 or infinity where |n| > 192.
     */
    public static float expf(float x) {
        final float r = 0x1.8p23f;
        float z = Math.fma(x, 0x1.715476p+0f, r);
        float n = z - r;
        float b = Math.fma(-n, 0x1.7f7d1cp-20f, Math.fma(-n, 0x1.62e4p-1f, x));
        if (Math.abs(n) > 192) return n <= 0 ? 0f : Float.POSITIVE_INFINITY;
        float u = b * b;
        float j = Math.fma(Math.fma(Math.fma(0x1.0e4020p-7f, b, 0x1.573e2ep-5f), u, Math.fma(0x1.555e66p-3f, b, 0x1.fffdb6p-2f)),
                u, Math.fma(0x1.ffffecp-1f, b, 1.0f));
        // scalef: j * 2^n rounded once; exact in double, then one rounding to float (subnormals included)
        return (float) ((double) j * Math.scalb(1.0, (int) n));
    }

    /** {@code ggml_v_silu}: x / (1 + v_expf(0 - x)). */
    public static float silu(float x) {
        return x / (1f + expf(0f - x));
    }

    /** {@code ggml_silu_f32}, the scalar tail: x / (1 + expf(-x)) with glibc's expf. */
    public static float siluScalar(float x) {
        return x / (1f + LibmFloat.expf(-x));
    }

    /**
     * {@code ggml_vec_swiglu_f32}: y[i] = silu(x[i]) * g[i]; groups of 16 take the vector silu, the rest the scalar
     * one.
     */
    public static void swiglu(float[] x, float[] g, float[] y, int offset, int n) {
        int vectorEnd = n & ~15;
        int i = 0;
        if (Simd.ENABLED) {
            for (; i < vectorEnd; i += Simd.LANES) {
                FloatVector v = FloatVector.fromArray(Simd.F, x, offset + i);
                FloatVector e = expfInRange(v.neg());
                if (e == null) break; // a lane needs scalef's edge cases: finish this row by lanes
                v.div(e.add(1f)).mul(FloatVector.fromArray(Simd.F, g, offset + i)).intoArray(y, offset + i);
            }
        }
        for (; i < vectorEnd; i++) y[offset + i] = silu(x[offset + i]) * g[offset + i];
        for (i = vectorEnd; i < n; i++) y[offset + i] = siluScalar(x[offset + i]) * g[offset + i];
    }

    /**
     * {@link #expf} lane-wise with the same bits, or null when a lane's power of two n falls outside [-126, 127],
     * where scalef's result needs the scalar path (subnormal scaling, 0 or infinity). Inside that range 2^n is a
     * normal float and j * 2^n one rounding, as scalef's.
     */
    private static FloatVector expfInRange(FloatVector x) {
        VectorSpecies<Float> f = Simd.F;
        FloatVector r = FloatVector.broadcast(f, 0x1.8p23f);
        FloatVector z = x.fma(FloatVector.broadcast(f, 0x1.715476p+0f), r);
        FloatVector n = z.sub(r);
        if (n.abs().compare(VectorOperators.GT, 126f).anyTrue()) return null;
        FloatVector minusN = n.neg();
        FloatVector b = minusN.fma(FloatVector.broadcast(f, 0x1.7f7d1cp-20f), minusN.fma(FloatVector.broadcast(f, 0x1.62e4p-1f), x));
        FloatVector u = b.mul(b);
        FloatVector high = FloatVector.broadcast(f, 0x1.0e4020p-7f).fma(b, FloatVector.broadcast(f, 0x1.573e2ep-5f));
        FloatVector low = FloatVector.broadcast(f, 0x1.555e66p-3f).fma(b, FloatVector.broadcast(f, 0x1.fffdb6p-2f));
        FloatVector j = high.fma(u, low).fma(u, FloatVector.broadcast(f, 0x1.ffffecp-1f).fma(b, FloatVector.broadcast(f, 1.0f)));
        IntVector exponent = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        return j.mul(exponent.reinterpretAsFloats());
    }
}
