package dev.jllm.engine.quant;

/**
 * The float functions of glibc's libm that ggml-cpu calls where it has no vector code of its own: {@code sinf} and
 * {@code cosf} (rope angles) and {@code expf} (the scalar tails of softmax and SiLU). They are not correctly rounded
 * (about 2% of rope angles differ from the nearest float), so jllm computes them with glibc's algorithms (ARM's
 * optimized-routines, glibc 2.28 and later) exactly as the x86-64 build llama.cpp runs on compiles them: the FMA
 * variant that glibc selects on CPUs with FMA, where GCC fuses each {@code a * b + c} whose product has no other use.
 */
public final class LibmFloat {
    private LibmFloat() {}

    // sinf/cosf: polynomial coefficients (s_sincosf_data.c); the second table negates the cosine polynomial
    private static final double[] SIGN = {1.0, -1.0, -1.0, 1.0};
    private static final double HPI_INV = 0x1.45F306DC9C883p+23; // 2/pi, scaled by 2^24 (no TOINT_INTRINSICS)
    private static final double HPI = 0x1.921FB54442D18p0;
    private static final double C0 = 0x1p0, C1 = -0x1.ffffffd0c621cp-2, C2 = 0x1.55553e1068f19p-5,
            C3 = -0x1.6c087e89a359dp-10, C4 = 0x1.99343027bf8c3p-16;
    private static final double S1 = -0x1.555545995a603p-3, S2 = 0x1.1107605230bc4p-7, S3 = -0x1.994eb3774cf24p-13;
    private static final double PI63 = 0x1.921FB54442D18p-62; // 2 pi * 2^-64
    private static final int ABSTOP_PIO4 = abstop12(0x1.921FB6p-1f);
    private static final int ABSTOP_TINY = abstop12(0x1p-12f);
    private static final int ABSTOP_FAST = abstop12(120.0f);
    private static final int ABSTOP_INF = abstop12(Float.POSITIVE_INFINITY);
    /** 4/pi to 192 bits, 8 new bits per entry. */
    private static final int[] INV_PIO4 = {
        0xa2, 0xa2f9, 0xa2f983, 0xa2f9836e, 0xf9836e4e, 0x836e4e44, 0x6e4e4415, 0x4e441529,
        0x441529fc, 0x1529fc27, 0x29fc2757, 0xfc2757d1, 0x2757d1f5, 0x57d1f534, 0xd1f534dd, 0xf534ddc0,
        0x34ddc0db, 0xddc0db62, 0xc0db6295, 0xdb629599, 0x6295993c, 0x95993c43, 0x993c4390, 0x3c439041};

    /** glibc's {@code sinf}. */
    public static float sinf(float y) {
        return sinOrCos(y, 0);
    }

    /** glibc's {@code cosf}. */
    public static float cosf(float y) {
        return sinOrCos(y, 1);
    }

    /** sinf (odd = 0) or cosf (odd = 1): the cosine is the sine polynomial's partner one quadrant on. */
    private static float sinOrCos(float y, int odd) {
        double x = y;
        int top = abstop12(y);
        if (top < ABSTOP_PIO4) {
            if (top < ABSTOP_TINY) return odd == 0 ? y : 1.0f;
            return poly(x, x * x, false, odd);
        }
        int n;
        int quadrant;
        if (top < ABSTOP_FAST) {
            // reduce_fast: the quadrant from the scaled product's top bits, then x - n * pi/2 fused
            double r = x * HPI_INV;
            n = ((int) r + 0x800000) >> 24;
            x = Math.fma(-(double) n, HPI, x);
            quadrant = n;
        } else if (top < ABSTOP_INF) {
            int xi = Float.floatToRawIntBits(y);
            int sign = xi >>> 31;
            long[] reduced = reduceLarge(xi);
            n = (int) reduced[0];
            x = Double.longBitsToDouble(reduced[1]);
            quadrant = n + sign;
        } else {
            return Float.NaN;
        }
        double s = SIGN[quadrant & 3];
        return poly(x * s, x * x, (quadrant & 2) != 0, (n ^ odd) & 1);
    }

    /**
     * reduce_large: x mod pi/2 by a 32 x 96 bit fixed-point product with 4/pi; returns {quadrant, bits of the
     * remainder as a double}.
     */
    private static long[] reduceLarge(int bits) {
        int base = (bits >>> 26) & 15;
        int shift = (bits >>> 23) & 7;
        long xi = ((bits & 0xffffff) | 0x800000) & 0xffffffffL;
        xi = (xi << shift) & 0xffffffffL;
        long res0 = (xi * (INV_PIO4[base] & 0xffffffffL)) & 0xffffffffL; // a 32-bit product in C
        long res1 = xi * (INV_PIO4[base + 4] & 0xffffffffL);
        long res2 = xi * (INV_PIO4[base + 8] & 0xffffffffL);
        res0 = (res2 >>> 32) | (res0 << 32);
        res0 += res1;
        long n = (res0 + (1L << 61)) >>> 62;
        res0 -= n << 62;
        double x = (double) res0 * PI63;
        return new long[] {n, Double.doubleToRawLongBits(x)};
    }

    /**
     * sinf_poly: the sine polynomial for even n, the cosine polynomial (negated in the second table) for odd n;
     * products that only feed a multiplication are rounded, the others are fused.
     */
    private static float poly(double x, double x2, boolean negatedCos, int odd) {
        if (odd == 0) {
            double x3 = x * x2;
            double s1 = Math.fma(x2, S3, S2);
            double x7 = x3 * x2;
            double s = Math.fma(x3, S1, x);
            return (float) Math.fma(x7, s1, s);
        }
        double sign = negatedCos ? -1 : 1;
        double x4 = x2 * x2;
        double c2 = Math.fma(x2, sign * C4, sign * C3);
        double c1 = Math.fma(x2, sign * C1, sign * C0);
        double x6 = x4 * x2;
        double c = Math.fma(x4, sign * C2, c1);
        return (float) Math.fma(x6, c2, c);
    }

    private static int abstop12(float x) {
        return (Float.floatToRawIntBits(x) >>> 20) & 0x7ff;
    }

    // expf (e_expf.c with e_exp2f_data.c): 2^(k/32) from a table, a cubic for 2^(r/32)
    private static final long[] EXP2_TABLE = {
        0x3ff0000000000000L, 0x3fefd9b0d3158574L, 0x3fefb5586cf9890fL, 0x3fef9301d0125b51L,
        0x3fef72b83c7d517bL, 0x3fef54873168b9aaL, 0x3fef387a6e756238L, 0x3fef1e9df51fdee1L,
        0x3fef06fe0a31b715L, 0x3feef1a7373aa9cbL, 0x3feedea64c123422L, 0x3feece086061892dL,
        0x3feebfdad5362a27L, 0x3feeb42b569d4f82L, 0x3feeab07dd485429L, 0x3feea47eb03a5585L,
        0x3feea09e667f3bcdL, 0x3fee9f75e8ec5f74L, 0x3feea11473eb0187L, 0x3feea589994cce13L,
        0x3feeace5422aa0dbL, 0x3feeb737b0cdc5e5L, 0x3feec49182a3f090L, 0x3feed503b23e255dL,
        0x3feee89f995ad3adL, 0x3feeff76f2fb5e47L, 0x3fef199bdd85529cL, 0x3fef3720dcef9069L,
        0x3fef5818dcfba487L, 0x3fef7c97337b9b5fL, 0x3fefa4afa2a490daL, 0x3fefd0765b6e4540L};
    private static final double EXP_SHIFT = 0x1.8p+52;
    private static final double INV_LN2_32 = 0x1.71547652b82fep+0 * 32;
    private static final double E0 = 0x1.c6af84b912394p-5 / 32 / 32 / 32, E1 = 0x1.ebfce50fac4f3p-3 / 32 / 32,
            E2 = 0x1.62e42ff0c52d6p-1 / 32;
    private static final int TOP_88 = Float.floatToRawIntBits(88.0f) >>> 20;

    /** glibc's {@code expf}. */
    public static float expf(float x) {
        double xd = x;
        int abstop = (Float.floatToRawIntBits(x) >>> 20) & 0x7ff;
        if (abstop >= TOP_88) {
            if (x == Float.NEGATIVE_INFINITY) return 0f;
            if (abstop >= ABSTOP_INF) return x + x;
            if (x > 0x1.62e42ep6f) return Float.POSITIVE_INFINITY;
            if (x < -0x1.9fe368p6f) return 0f;
        }
        // z = InvLn2N * xd feeds two additions, so GCC fuses it into both
        double kd = Math.fma(INV_LN2_32, xd, EXP_SHIFT);
        long ki = Double.doubleToRawLongBits(kd);
        kd -= EXP_SHIFT;
        double r = Math.fma(INV_LN2_32, xd, -kd);
        long t = EXP2_TABLE[(int) (ki & 31)] + (ki << 47);
        double s = Double.longBitsToDouble(t);
        double z = Math.fma(E0, r, E1);
        double r2 = r * r;
        double y = Math.fma(E2, r, 1);
        y = Math.fma(z, r2, y);
        return (float) (y * s);
    }
}
