package dev.jllm.engine.quant;

/** Conversions between float and bfloat16 (the upper half of a float's bits), as ggml does them. */
public final class BFloat16 {
    private BFloat16() {}

    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /**
     * Rounds to the nearest bfloat16, ties to even; NaNs stay NaN (made quiet). Same bits as ggml's
     * {@code ggml_compute_fp32_to_bf16}.
     */
    public static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) return (short) ((bits >>> 16) | 64);
        return (short) ((bits + (0x7FFF + ((bits >>> 16) & 1))) >>> 16);
    }

    /** {@code value} rounded to bfloat16 precision, as a float. */
    public static float round(float value) {
        return toFloat(fromFloat(value));
    }
}
