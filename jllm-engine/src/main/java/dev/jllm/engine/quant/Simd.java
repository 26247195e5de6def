package dev.jllm.engine.quant;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API shapes the kernels use: {@link #LANES} int or float lanes (the preferred width), and a byte species
 * with the same lane count so that one load widens into one int vector; the lane-order kernels use 256-bit vectors
 * (ggml's __m256) directly. Kernels take their scalar path, the reference, when {@link #ENABLED} is false: a
 * preferred width other than 8 or 16 lanes (no 256-bit vectors in hardware), or {@code -Djllm.vector=false}.
 */
final class Simd {
    private Simd() {}

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    static final int LANES = I.length();
    static final boolean ENABLED = (LANES == 8 || LANES == 16) && LANES == F.length()
            && !"false".equalsIgnoreCase(System.getProperty("jllm.vector"));
    static final VectorSpecies<Byte> B = ENABLED ? ByteVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(LANES * 8)) : null;

    /** {@link #LANES} signed bytes of {@code a} from {@code offset}, widened to ints. */
    static IntVector bytes(byte[] a, int offset) {
        return widen(ByteVector.fromArray(B, a, offset));
    }

    /** Widens {@link #LANES} signed bytes to ints. */
    static IntVector widen(ByteVector v) {
        return (IntVector) v.convertShape(VectorOperators.B2I, I, 0);
    }
}
