package dev.jllm.engine.runtime;

import dev.jllm.engine.model.ModelConfig;

/**
 * A float32 key/value cache for one sequence: per layer, {@code capacity} positions of {@code kvDim} floats
 * (all KV heads of a position side by side). Keys are stored after rope, as llama.cpp stores them.
 */
public final class KvCache {
    private final int capacity;
    private final int kvDim;
    private final float[][] keys;
    private final float[][] values;

    public KvCache(ModelConfig c, int capacity) {
        if (capacity <= 0) throw new IllegalArgumentException("context size must be positive, got " + capacity);
        long bytes = 2L * c.layers() * capacity * c.kvDim() * Float.BYTES;
        if ((long) capacity * c.kvDim() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("context " + capacity + " is too large for a float32 cache of this model ("
                    + bytes / (1 << 20) + " MiB)");
        }
        this.capacity = capacity;
        this.kvDim = c.kvDim();
        this.keys = new float[c.layers()][capacity * kvDim];
        this.values = new float[c.layers()][capacity * kvDim];
    }

    public int capacity() {
        return capacity;
    }

    public float[] keys(int layer) {
        return keys[layer];
    }

    public float[] values(int layer) {
        return values[layer];
    }

    /** Offset of position {@code pos} in a layer's key or value array. */
    public int offset(int pos) {
        return pos * kvDim;
    }
}
