package dev.jllm.engine.quant;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API shapes the kernels use: {@link #LANES} int or float lanes (the preferred width), and byte and
 * short species with the same lane count so that one load widens into one int vector. Kernels take their scalar
 * path when {@link #ENABLED} is false: other than 8 or 16 lanes, or {@code -Djllm.vector=false}.
 */
final class Simd {
    private Simd() {}

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    static final int LANES = I.length();
    static final boolean ENABLED = (LANES == 8 || LANES == 16) && LANES == F.length()
            && !"false".equalsIgnoreCase(System.getProperty("jllm.vector"));
    static final VectorSpecies<Byte> B = ENABLED ? ByteVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(LANES * 8)) : null;
    static final VectorSpecies<Short> S = ENABLED ? ShortVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(LANES * 16)) : null;

    /** Lane numbers 0, 1, 2, ... (shift counts for picking one bit per lane out of a word). */
    static final IntVector IOTA = ENABLED ? IntVector.zero(I).addIndex(1) : null;

    /**
     * Sum of the lanes in lane order. {@code reduceLanes(ADD)} leaves the order open, and it does differ between
     * interpreted and compiled code, which would make results depend on JIT state.
     */
    static float sum(FloatVector v) {
        float s = 0;
        for (int i = 0; i < LANES; i++) s += v.lane(i);
        return s;
    }

    /** {@link #LANES} signed bytes of {@code s} from {@code offset}, widened to ints. */
    static IntVector bytes(MemorySegment s, long offset) {
        return widen(ByteVector.fromMemorySegment(B, s, offset, ByteOrder.LITTLE_ENDIAN));
    }

    /** {@link #LANES} signed bytes of {@code a} from {@code offset}, widened to ints. */
    static IntVector bytes(byte[] a, int offset) {
        return widen(ByteVector.fromArray(B, a, offset));
    }

    /** Bits {@code first .. first + LANES - 1} of {@code word}, one per lane, as 0 or 1. */
    static IntVector bits(int word, int first) {
        return IntVector.broadcast(I, word).lanewise(VectorOperators.LSHR, IOTA.add(first)).and(1);
    }

    /** Widens {@link #LANES} signed bytes to ints. */
    static IntVector widen(ByteVector v) {
        return (IntVector) v.convertShape(VectorOperators.B2I, I, 0);
    }

    /** Widens {@link #LANES} shorts to ints holding their unsigned 16 bits. */
    static IntVector widenUnsigned(ShortVector v) {
        return ((IntVector) v.convertShape(VectorOperators.S2I, I, 0)).and(0xFFFF);
    }

    /** Exact IEEE half to float for ints holding half bits: scales the shifted magnitude by 2^112, then patches Inf/NaN. */
    static FloatVector halfToFloat(IntVector half) {
        IntVector magnitude = half.and(0x7FFF).lanewise(VectorOperators.LSHL, 13);
        IntVector bits = magnitude.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        VectorMask<Integer> infOrNan = half.and(0x7C00).eq(0x7C00);
        bits = bits.blend(magnitude.or(0x7F800000), infOrNan);
        return bits.or(half.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }
}
