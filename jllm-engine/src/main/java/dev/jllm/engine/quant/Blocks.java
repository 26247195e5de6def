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

    /** The value of largest magnitude among {@code x[from .. from + n - 1]}, sign kept (the first on ties; 0 if none). */
    static float largestMagnitude(float[] x, int from, int n) {
        float max = 0;
        float amax = 0;
        for (int i = from; i < from + n; i++) {
            float ax = Math.abs(x[i]);
            if (ax > amax) {
                amax = ax;
                max = x[i];
            }
        }
        return max;
    }

    /** max(0, |x[from]|, .., |x[from + n - 1]|) by {@link Math#max}. */
    static float absMax(float[] x, int from, int n) {
        float amax = 0;
        for (int i = from; i < from + n; i++) amax = Math.max(amax, Math.abs(x[i]));
        return amax;
    }

    /** The least of {@code x[from .. from + n - 1]}, by {@code <} from {@link Float#MAX_VALUE}. */
    static float min(float[] x, int from, int n) {
        float min = Float.MAX_VALUE;
        for (int i = from; i < from + n; i++) if (x[i] < min) min = x[i];
        return min;
    }

    /** The greatest of {@code x[from .. from + n - 1]}, by {@code >} from {@code -}{@link Float#MAX_VALUE}. */
    static float max(float[] x, int from, int n) {
        float max = -Float.MAX_VALUE;
        for (int i = from; i < from + n; i++) if (x[i] > max) max = x[i];
        return max;
    }

    /** C's {@code roundf}: to nearest, ties away from zero. */
    static float roundAwayFromZero(float value) {
        return value < 0 ? -Math.round(-value) : Math.round(value);
    }
}
