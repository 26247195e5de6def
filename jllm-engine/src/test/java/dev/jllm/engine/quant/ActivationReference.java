package dev.jllm.engine.quant;

import dev.jllm.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Double-precision references for matrix-vector products with ggml's semantics: the weights dequantized, and x as
 * the dot product sees it after conversion to the weight type's vec_dot_type.
 */
final class ActivationReference {
    private ActivationReference() {}

    /** x after conversion to {@code dotType}, as floats (for 8-bit types: q * d with d as stored). */
    static float[] asDotSees(GgmlType dotType, float[] x) {
        float[] v = new float[x.length];
        switch (dotType) {
            case F32 -> System.arraycopy(x, 0, v, 0, x.length);
            case F16 -> {
                for (int i = 0; i < x.length; i++) v[i] = Float.float16ToFloat(Float.floatToFloat16(x[i]));
            }
            case BF16 -> {
                for (int i = 0; i < x.length; i++) v[i] = BFloat16.round(x[i]);
            }
            default -> {
                Activations a = convert(dotType, x);
                for (int i = 0; i < x.length; i++) v[i] = a.quants[i] * a.scales[i / dotType.blockSize];
            }
        }
        return v;
    }

    /**
     * Row r · x in double for every row of a {@code type} matrix stored in {@code data}. For Q4_1 and Q5_1, whose
     * dot products use the activation block's s = d·Σq (computed by ggml with d before fp16 rounding) for the min
     * term, the min term is m·s rather than m·Σ(dequantized x).
     */
    static double[] matVec(GgmlType type, MemorySegment data, int rows, int cols, float[] x) {
        WeightMatrix w = WeightMatrix.of("reference", type, rows, cols, data);
        float[] seen = asDotSees(w.dotType(), x);
        Activations a = w.dotType() == GgmlType.Q8_1 ? convert(w.dotType(), x) : null;
        double[] out = new double[rows];
        float[] row = new float[cols];
        long rowBytes = (long) cols / type.blockSize * type.typeSize;
        for (int r = 0; r < rows; r++) {
            w.dequantizeRow(r, row, 0);
            double s = 0;
            for (int i = 0; i < cols; i++) s += (double) row[i] * seen[i];
            if (w.dotType() == GgmlType.Q8_1) {
                for (int b = 0; b < cols / 32; b++) {
                    short mBits = data.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), r * rowBytes + (long) b * type.typeSize + 2);
                    double seenSum = 0;
                    for (int i = 32 * b; i < 32 * b + 32; i++) seenSum += seen[i];
                    s += Float.float16ToFloat(mBits) * (a.blockSums[b] - seenSum);
                }
            }
            out[r] = s;
        }
        return out;
    }

    /** Relative error a dot product may add to the exact product of what it sees (in units of Σ|w·x|): float rounding. */
    static double accumulationError(GgmlType type, int cols) {
        return 1e-5;
    }

    /** Σ |w|·|x| per row (x as the dot product sees it): the scale rounding errors of a dot product are measured against. */
    static double[] magnitudes(GgmlType type, MemorySegment data, int rows, int cols, float[] x) {
        WeightMatrix w = WeightMatrix.of("reference", type, rows, cols, data);
        float[] seen = asDotSees(w.dotType(), x);
        double[] out = new double[rows];
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            w.dequantizeRow(r, row, 0);
            double s = 0;
            for (int i = 0; i < cols; i++) s += Math.abs((double) row[i] * seen[i]);
            out[r] = s;
        }
        return out;
    }

    /**
     * A bound, per row, on |row · x_seen - row · x|: how far converting x to the vec_dot_type can move the result.
     * Each converted value is off by at most half a step of its 8-bit block plus the fp16 rounding of the block
     * scale (d = amax/127, 127 quants: 127·d·2^-11), or by the F16/BF16 rounding; for Q8_1 the min term m·s adds
     * |m|·|s - d16·Σq| <= |m|·32·127·d·2^-10 = |m|·amax/32.
     */
    static double[] activationErrorBounds(GgmlType type, MemorySegment data, int rows, int cols, float[] x) {
        WeightMatrix w = WeightMatrix.of("reference", type, rows, cols, data);
        GgmlType dotType = w.dotType();
        double eps = Math.scalb(1.0, -11);
        double[] delta = new double[cols];
        double[] blockAmax = new double[cols / 32];
        for (int i = 0; i < cols; i++) {
            delta[i] = switch (dotType) {
                case F32 -> 0;
                case F16 -> Math.max(Math.abs(x[i]) * eps, 0x1p-25);
                case BF16 -> Math.abs(x[i]) * 0x1p-8;
                default -> {
                    int bs = dotType.blockSize;
                    double amax = 0;
                    for (int j = i / bs * bs; j < (i / bs + 1) * bs; j++) amax = Math.max(amax, Math.abs(x[j]));
                    yield dotType == GgmlType.Q8_K ? amax / 127 * 0.5 * (1 + 1e-6) : amax / 127 * (0.5 + 127 * eps) * (1 + 1e-6);
                }
            };
            blockAmax[i / 32] = Math.max(blockAmax[i / 32], Math.abs(x[i]));
        }
        double[] out = new double[rows];
        float[] row = new float[cols];
        long rowBytes = (long) cols / type.blockSize * type.typeSize;
        for (int r = 0; r < rows; r++) {
            w.dequantizeRow(r, row, 0);
            double s = 0;
            for (int i = 0; i < cols; i++) s += Math.abs(row[i]) * delta[i];
            if (dotType == GgmlType.Q8_1) {
                for (int b = 0; b < cols / 32; b++) {
                    short mBits = data.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), r * rowBytes + (long) b * type.typeSize + 2);
                    s += Math.abs(Float.float16ToFloat(mBits)) * blockAmax[b] / 32;
                }
            }
            out[r] = s;
        }
        return out;
    }

    private static Activations convert(GgmlType dotType, float[] x) {
        Activations a = new Activations(dotType);
        a.resize(x.length, 1);
        a.set(0, x, 0);
        return a;
    }
}
