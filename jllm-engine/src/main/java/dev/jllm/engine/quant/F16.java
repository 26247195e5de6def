package dev.jllm.engine.quant;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** ggml's F16: little-endian IEEE half floats. Products run in {@link DequantizedProduct} on the exactly widened values. */
public final class F16 {
    private F16() {}

    /** Halves that widen into one float vector. */
    static final VectorSpecies<Short> HALVES = Simd.ENABLED ? ShortVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(Simd.LANES * 16)) : null;

    /**
     * Widens {@code count} halves from {@code offset} exactly, {@link #widen(ShortVector)} by {@link Simd#LANES}
     * (C2 does not vectorize {@code Float.float16ToFloat} loops inside the compiled product kernels).
     */
    public static void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        int i = 0;
        if (Simd.ENABLED) {
            for (; i + Simd.LANES <= count; i += Simd.LANES) {
                widen(ShortVector.fromMemorySegment(HALVES, src, offset + 2L * i, ByteOrder.LITTLE_ENDIAN)).intoArray(dst, dstOffset + i);
            }
        }
        for (; i < count; i++) dst[dstOffset + i] = LittleEndian.f16(src, offset + 2L * i);
    }

    /**
     * {@code Float.float16ToFloat} lane-wise: the half's exponent and fraction moved into a float's place read as a
     * float, times 2^112, which rebiases the exponent and scales subnormal halves exactly; infinities and NaNs (rare)
     * take the scalar conversion.
     */
    static FloatVector widen(ShortVector halves) {
        IntVector bits = (IntVector) halves.convertShape(VectorOperators.S2I, Simd.I, 0);
        IntVector magnitude = bits.and(0x7FFF);
        if (magnitude.compare(VectorOperators.GE, 0x7C00).anyTrue()) {
            float[] out = new float[Simd.LANES];
            for (int i = 0; i < out.length; i++) out[i] = Float.float16ToFloat(halves.lane(i));
            return FloatVector.fromArray(Simd.F, out, 0);
        }
        FloatVector value = magnitude.lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(0x1p112f);
        return value.reinterpretAsInts().or(bits.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }

    /** Rounds to nearest even, like ggml's {@code GGML_FP32_TO_FP16}. */
    public static void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int count) {
        for (int i = 0; i < count; i++) LittleEndian.putF16(dst, dstOffset + 2L * i, src[srcOffset + i]);
    }
}
