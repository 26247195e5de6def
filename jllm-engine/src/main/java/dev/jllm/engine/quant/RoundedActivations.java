package dev.jllm.engine.quant;

import dev.jllm.engine.gguf.GgmlType;
import dev.jllm.engine.runtime.Parallel;

/**
 * Float activations given exactly the values ggml's vec_dot_type would give them, for the products of {@link
 * DequantizedProduct}: rounded to F16 or BF16, or quantized to Q8_0 blocks (as ggml-cpu's quantize_row_q8_0 does)
 * and read back as q * d. The products then see what llama.cpp's integer and half-precision kernels see, and differ
 * from them only by float summation order. Buffers are per thread and reused.
 */
final class RoundedActivations {
    private static final ThreadLocal<RoundedActivations> PER_THREAD = ThreadLocal.withInitial(RoundedActivations::new);
    /** Values one parallel chunk converts at least. */
    private static final int CONVERSION_VALUES = 16 * 1024;

    private float[] values = new float[0];
    private byte[] quants = new byte[0];
    private float[] scales = new float[0];

    private RoundedActivations() {}

    /**
     * The n vectors of {@code cols} values at {@code x[offset ..]} as {@code dotType} rounds them, in this thread's
     * buffer (vector v from element v * cols), or x itself when dotType is F32 (then from {@code offset}).
     */
    static float[] of(GgmlType dotType, float[] x, int offset, int n, int cols) {
        if (dotType == GgmlType.F32) return x;
        RoundedActivations r = PER_THREAD.get();
        int total = Math.multiplyExact(n, cols);
        if (r.values.length < total) r.values = new float[total];
        float[] out = r.values;
        switch (dotType) {
            case F16 -> Parallel.forRange(total, CONVERSION_VALUES, (s, e) -> {
                for (int i = s; i < e; i++) out[i] = Float.float16ToFloat(Float.floatToFloat16(x[offset + i]));
            });
            case BF16 -> Parallel.forRange(total, CONVERSION_VALUES, (s, e) -> {
                for (int i = s; i < e; i++) out[i] = BFloat16.round(x[offset + i]);
            });
            case Q8_0 -> {
                if (r.quants.length < total) r.quants = new byte[total];
                if (r.scales.length < total / Q8_0.BLOCK_SIZE) r.scales = new float[total / Q8_0.BLOCK_SIZE];
                byte[] q = r.quants;
                float[] d = r.scales;
                Parallel.forRange(n, Math.max(1, CONVERSION_VALUES / cols), (s, e) -> {
                    for (int v = s; v < e; v++) {
                        int base = v * cols;
                        Q8_0.quantizeForDot(x, offset + base, cols, q, base, d, base / Q8_0.BLOCK_SIZE);
                        for (int i = base; i < base + cols; i++) out[i] = q[i] * d[i / Q8_0.BLOCK_SIZE];
                    }
                });
            }
            default -> throw new IllegalArgumentException(dotType + " is not a float-product activation type");
        }
        return out;
    }
}
