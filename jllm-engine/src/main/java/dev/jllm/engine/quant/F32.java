package dev.jllm.engine.quant;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/** ggml's F32: little-endian IEEE floats. Products run in {@link DequantizedProduct}. */
public final class F32 {
    private F32() {}

    public static void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        MemorySegment.copy(src, LittleEndian.FLOAT, offset, dst, dstOffset, count);
    }

    public static void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int count) {
        MemorySegment.copy(src, srcOffset, dst, LittleEndian.FLOAT, dstOffset, count);
    }

    /**
     * {@link DequantizedProduct.FusedRows} for F32: rows a and b times one vector, straight from the stored floats (no
     * copy into a buffer), in {@link DequantizedProduct}'s order.
     */
    static void rows(MemorySegment w, long rowBytes, int a, int b, int cols, float[] x, int xo, float[] out, int o) {
        FloatVector a0 = FloatVector.zero(Simd.F), a1 = a0;
        long r0 = a * rowBytes, r1 = b * rowBytes;
        int full = cols & -Simd.LANES;
        for (int k = 0; k < full; k += Simd.LANES) {
            FloatVector xv = FloatVector.fromArray(Simd.F, x, xo + k);
            a0 = FloatVector.fromMemorySegment(Simd.F, w, r0 + 4L * k, ByteOrder.LITTLE_ENDIAN).fma(xv, a0);
            a1 = FloatVector.fromMemorySegment(Simd.F, w, r1 + 4L * k, ByteOrder.LITTLE_ENDIAN).fma(xv, a1);
        }
        if (full < cols) {
            VectorMask<Float> m = Simd.F.indexInRange(full, cols);
            FloatVector xv = FloatVector.fromArray(Simd.F, x, xo + full, m);
            a0 = FloatVector.fromMemorySegment(Simd.F, w, r0 + 4L * full, ByteOrder.LITTLE_ENDIAN, m).fma(xv, a0);
            a1 = FloatVector.fromMemorySegment(Simd.F, w, r1 + 4L * full, ByteOrder.LITTLE_ENDIAN, m).fma(xv, a1);
        }
        out[o + a] = DequantizedProduct.sumLanes(a0);
        out[o + b] = DequantizedProduct.sumLanes(a1);
    }
}
