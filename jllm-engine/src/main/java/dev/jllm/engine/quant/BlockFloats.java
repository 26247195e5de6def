package dev.jllm.engine.quant;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q4_0 and Q8_0 rows dequantized with the Vector API, with exactly the values of ggml's dequantize_row_q4_0 and
 * _q8_0: a value is q times the block's half-precision scale d, which a float holds without rounding.
 */
final class BlockFloats {
    private BlockFloats() {}

    private static final VectorSpecies<Float> F = Simd.F;
    private static final VectorSpecies<Integer> I4 = IntVector.SPECIES_128;
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    /** Float vectors per 16 values. */
    private static final int PARTS = 16 / Simd.LANES;

    /** Q4_0: 18-byte blocks, value j in the low nibble of byte j and value j + 16 in the high one, q = nibble - 8. */
    static void dequantizeQ4_0(MemorySegment w, long offset, float[] dst, int dstOffset, int count) {
        q4_0(w, offset, dst, dstOffset, count, true);
    }

    /**
     * {@link #dequantizeQ4_0} as a product's weights: the same values, but a zero is always +0 (q = 8 times a negative
     * d is -0 in ggml), which saves an operation per 16 values (one fma(q, d, -8d) for (q - 8) * d). A product cannot
     * tell: its accumulators start at +0 and so are never -0, and -0 · x + acc equals +0 · x + acc for every acc that
     * is not -0.
     */
    static void dequantizeQ4_0ForProducts(MemorySegment w, long offset, float[] dst, int dstOffset, int count) {
        q4_0(w, offset, dst, dstOffset, count, false);
    }

    private static void q4_0(MemorySegment w, long offset, float[] dst, int dstOffset, int count, boolean signedZeros) {
        for (int b = 0; b < count / 32; b++) {
            long o = offset + 18L * b;
            float scale = LittleEndian.f16(w, o);
            FloatVector d = FloatVector.broadcast(F, scale), minus8d = FloatVector.broadcast(F, -8 * scale);
            // nibbles split within 32-bit words, so that no byte shift is needed
            IntVector words = IntVector.fromMemorySegment(I4, w, o + 2, ByteOrder.LITTLE_ENDIAN);
            ByteVector low = words.and(0x0F0F0F0F).reinterpretAsBytes();
            ByteVector high = words.lanewise(VectorOperators.LSHR, 4).and(0x0F0F0F0F).reinterpretAsBytes();
            int y = dstOffset + 32 * b;
            for (int p = 0; p < PARTS; p++) {
                FloatVector l = (FloatVector) low.convertShape(VectorOperators.B2F, F, p);
                FloatVector h = (FloatVector) high.convertShape(VectorOperators.B2F, F, p);
                (signedZeros ? l.sub(8f).mul(d) : l.fma(d, minus8d)).intoArray(dst, y + p * Simd.LANES);
                (signedZeros ? h.sub(8f).mul(d) : h.fma(d, minus8d)).intoArray(dst, y + 16 + p * Simd.LANES);
            }
        }
    }

    /** Q8_0: 34-byte blocks of an fp16 d and 32 signed bytes q. */
    static void dequantizeQ8_0(MemorySegment w, long offset, float[] dst, int dstOffset, int count) {
        for (int b = 0; b < count / 32; b++) {
            long o = offset + 34L * b;
            FloatVector d = FloatVector.broadcast(F, LittleEndian.f16(w, o));
            ByteVector first = ByteVector.fromMemorySegment(B16, w, o + 2, ByteOrder.LITTLE_ENDIAN);
            ByteVector second = ByteVector.fromMemorySegment(B16, w, o + 18, ByteOrder.LITTLE_ENDIAN);
            int y = dstOffset + 32 * b;
            for (int p = 0; p < PARTS; p++) {
                ((FloatVector) first.convertShape(VectorOperators.B2F, F, p)).mul(d).intoArray(dst, y + p * Simd.LANES);
                ((FloatVector) second.convertShape(VectorOperators.B2F, F, p)).mul(d).intoArray(dst, y + 16 + p * Simd.LANES);
            }
        }
    }

    /**
     * {@link DequantizedProduct.FusedRows} for Q4_0: two rows times one vector straight from the stored blocks, each
     * value formed as fma(q, d, -8d), which is (q - 8) * d exactly, so the bits equal dequantizing first. Two rows per
     * call keep the compiled loop within C2's inlining budget (four rows box the vectors and crawl).
     */
    static void rowsQ4_0(MemorySegment w, long rowBytes, int a, int b, int cols, float[] x, int xo, float[] out, int o) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        long r0 = a * rowBytes, r1 = b * rowBytes;
        for (int k = 0; k < cols / 32; k++) {
            long o0 = r0 + 18L * k, o1 = r1 + 18L * k;
            float s0 = LittleEndian.f16(w, o0), s1 = LittleEndian.f16(w, o1);
            FloatVector d0 = FloatVector.broadcast(F, s0), d1 = FloatVector.broadcast(F, s1);
            FloatVector m0 = FloatVector.broadcast(F, -8 * s0), m1 = FloatVector.broadcast(F, -8 * s1);
            IntVector w0 = IntVector.fromMemorySegment(I4, w, o0 + 2, ByteOrder.LITTLE_ENDIAN);
            IntVector w1 = IntVector.fromMemorySegment(I4, w, o1 + 2, ByteOrder.LITTLE_ENDIAN);
            ByteVector low0 = w0.and(0x0F0F0F0F).reinterpretAsBytes(), high0 = w0.lanewise(VectorOperators.LSHR, 4).and(0x0F0F0F0F).reinterpretAsBytes();
            ByteVector low1 = w1.and(0x0F0F0F0F).reinterpretAsBytes(), high1 = w1.lanewise(VectorOperators.LSHR, 4).and(0x0F0F0F0F).reinterpretAsBytes();
            int y = xo + 32 * k;
            for (int p = 0; p < PARTS; p++) {
                FloatVector x0 = FloatVector.fromArray(F, x, y + p * Simd.LANES);
                a0 = floats(low0, p).fma(d0, m0).fma(x0, a0);
                a1 = floats(low1, p).fma(d1, m1).fma(x0, a1);
            }
            for (int p = 0; p < PARTS; p++) {
                FloatVector x1 = FloatVector.fromArray(F, x, y + 16 + p * Simd.LANES);
                a0 = floats(high0, p).fma(d0, m0).fma(x1, a0);
                a1 = floats(high1, p).fma(d1, m1).fma(x1, a1);
            }
        }
        out[o + a] = DequantizedProduct.sumLanes(a0);
        out[o + b] = DequantizedProduct.sumLanes(a1);
    }

    /** Part {@code p} of 16 signed bytes, as floats. */
    private static FloatVector floats(ByteVector q, int p) {
        return (FloatVector) q.convertShape(VectorOperators.B2F, F, p);
    }
}
