package dev.jllm.engine.quant;

/** Argument checks shared by the block formats. */
final class Blocks {
    private Blocks() {}

    /** The number of blocks in {@code values} values; fails unless it is a whole number. */
    static int count(int values, int blockSize, String format) {
        if (values < 0 || values % blockSize != 0) {
            throw new IllegalArgumentException(format + " needs a non-negative multiple of " + blockSize + " values, got " + values);
        }
        return values / blockSize;
    }

    /**
     * ggml's {@code nearest_int}: rounds to nearest, ties to even, by adding 1.5 * 2^23 and reading the mantissa.
     * Valid for |value| <= 4194303, like the original.
     */
    static int nearestInt(float value) {
        float shifted = value + 12582912.f;
        return (Float.floatToRawIntBits(shifted) & 0x007FFFFF) - 0x00400000;
    }

    /** C's {@code roundf}: to nearest, ties away from zero. */
    static float roundAwayFromZero(float value) {
        return value < 0 ? -Math.round(-value) : Math.round(value);
    }
}
