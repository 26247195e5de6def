package dev.jllm.engine.quant;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DequantizedProduct.FusedRows} for the 16-bit float types: two rows times one vector, each group of values
 * widened in registers and multiplied at once (widening into a buffer first halves the decode rate), in {@link
 * DequantizedProduct}'s order, so with the same bits as the buffered and batched products.
 */
final class HalfRows {
    private HalfRows() {}

    private static final VectorSpecies<Short> HALVES = F16.HALVES;

    static void f16(MemorySegment w, long rowBytes, int a, int b, int cols, float[] x, int xo, float[] out, int o) {
        rows(false, w, rowBytes, a, b, cols, x, xo, out, o);
    }

    static void bf16(MemorySegment w, long rowBytes, int a, int b, int cols, float[] x, int xo, float[] out, int o) {
        rows(true, w, rowBytes, a, b, cols, x, xo, out, o);
    }

    /** The loop for both types ({@code brain}: bfloat16); C2 unswitches the loop on the flag. */
    private static void rows(boolean brain, MemorySegment w, long rowBytes, int a, int b, int cols, float[] x, int xo, float[] out, int o) {
        FloatVector a0 = FloatVector.zero(Simd.F), a1 = a0;
        long r0 = a * rowBytes, r1 = b * rowBytes;
        int full = cols & -Simd.LANES;
        for (int k = 0; k < full; k += Simd.LANES) {
            FloatVector xv = FloatVector.fromArray(Simd.F, x, xo + k);
            a0 = widen(brain, ShortVector.fromMemorySegment(HALVES, w, r0 + 2L * k, ByteOrder.LITTLE_ENDIAN)).fma(xv, a0);
            a1 = widen(brain, ShortVector.fromMemorySegment(HALVES, w, r1 + 2L * k, ByteOrder.LITTLE_ENDIAN)).fma(xv, a1);
        }
        if (full < cols) {
            VectorMask<Short> m = HALVES.indexInRange(full, cols);
            FloatVector xv = FloatVector.fromArray(Simd.F, x, xo + full, Simd.F.indexInRange(full, cols));
            a0 = widen(brain, ShortVector.fromMemorySegment(HALVES, w, r0 + 2L * full, ByteOrder.LITTLE_ENDIAN, m)).fma(xv, a0);
            a1 = widen(brain, ShortVector.fromMemorySegment(HALVES, w, r1 + 2L * full, ByteOrder.LITTLE_ENDIAN, m)).fma(xv, a1);
        }
        out[o + a] = DequantizedProduct.sumLanes(a0);
        out[o + b] = DequantizedProduct.sumLanes(a1);
    }

    private static FloatVector widen(boolean brain, ShortVector values) {
        return brain ? BF16.widen(values) : F16.widen(values);
    }
}
