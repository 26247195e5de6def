package dev.jllm.engine.quant;

import dev.jllm.engine.gguf.GgmlType;

/**
 * Activation vectors converted to the form an integer dot product reads, ggml's "vec_dot_type": 8-bit blocks (Q8_0,
 * Q8_1, Q8_K). Holds {@code count} vectors of {@code cols}
 * values each, one after another. Buffers grow as needed and are reused, one set per thread and type.
 */
final class Activations {
    private static final ThreadLocal<Activations[]> PER_THREAD = ThreadLocal.withInitial(() -> new Activations[GgmlType.values().length]);

    final GgmlType type;
    /** Q8_0, Q8_1, Q8_K: the quants. */
    byte[] quants = new byte[0];
    /**
     * Q8_0, Q8_1, for the vector kernels ({@link BlockLanesVector}): the quants as shorts, each block of 32 in the
     * order of {@link BlockLanesVector#evens} then {@link BlockLanesVector#odds}: quants 4t, 4t + 2 at 2t, 2t + 1,
     * and quants 4t + 1, 4t + 3 at 16 + 2t, 16 + 2t + 1.
     */
    short[] quantPairs = new short[0];
    /** Q8_0, Q8_1, Q8_K: one scale d per block (Q8_0 and Q8_1 hold the fp16-rounded value). */
    float[] scales = new float[0];
    /** Q8_1: one s = d * sum(quants) per block, fp16-rounded. */
    float[] blockSums = new float[0];
    /** Q8_K: the sum of each group of 16 quants (ggml's bsums). */
    short[] groupSums = new short[0];
    private int cols;

    Activations(GgmlType type) {
        switch (type) {
            case Q8_0, Q8_1, Q8_K -> this.type = type;
            default -> throw new IllegalArgumentException(type + " is not an activation type");
        }
    }

    /** This thread's buffers for {@code type}, sized for {@code count} vectors of {@code cols} values. */
    static Activations forThread(GgmlType type, int cols, int count) {
        Activations[] all = PER_THREAD.get();
        Activations a = all[type.ordinal()];
        if (a == null) all[type.ordinal()] = a = new Activations(type);
        a.resize(cols, count);
        return a;
    }

    int cols() {
        return cols;
    }

    void resize(int cols, int count) {
        Blocks.count(cols, type.blockSize, type.name());
        this.cols = cols;
        int n = Math.multiplyExact(cols, count);
        if (quants.length < n) quants = new byte[n];
        if (Simd.ENABLED && (type == GgmlType.Q8_0 || type == GgmlType.Q8_1) && quantPairs.length < n) quantPairs = new short[n];
        int blocks = n / type.blockSize;
        if (scales.length < blocks) scales = new float[blocks];
        if (type == GgmlType.Q8_1 && blockSums.length < blocks) blockSums = new float[blocks];
        if (type == GgmlType.Q8_K && groupSums.length < n / 16) groupSums = new short[n / 16];
    }

    /** Converts {@code x[offset .. offset+cols)} into vector number {@code vector}. */
    void set(int vector, float[] x, int offset) {
        int base = vector * cols;
        switch (type) {
            case Q8_0 -> {
                Q8_0.quantizeForDot(x, offset, cols, quants, base, scales, base / Q8_0.BLOCK_SIZE);
                pairBlocks(base);
            }
            case Q8_1 -> {
                Q8_1.quantizeForDot(x, offset, cols, quants, base, scales, blockSums, base / Q8_1.BLOCK_SIZE);
                pairBlocks(base);
            }
            case Q8_K -> Q8_K.quantizeForDot(x, offset, cols, quants, base, scales, groupSums, base / Q8_K.BLOCK_SIZE);
            default -> throw new IllegalStateException(type.name());
        }
    }

    /** Fills {@link #quantPairs} for the vector from element {@code base}. */
    private void pairBlocks(int base) {
        if (!Simd.ENABLED) return;
        for (int b = base; b < base + cols; b += BlockLanes.BLOCK_SIZE) {
            for (int t = 0; t < 8; t++) {
                quantPairs[b + 2 * t] = quants[b + 4 * t];
                quantPairs[b + 2 * t + 1] = quants[b + 4 * t + 2];
                quantPairs[b + 16 + 2 * t] = quants[b + 4 * t + 1];
                quantPairs[b + 16 + 2 * t + 1] = quants[b + 4 * t + 3];
            }
        }
    }
}
