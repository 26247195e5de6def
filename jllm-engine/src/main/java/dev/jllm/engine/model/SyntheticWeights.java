package dev.jllm.engine.model;

import java.nio.charset.StandardCharsets;

/**
 * The deterministic pseudo-random weights of {@code shared/tools/gen_synthetic_gguf.py}, bit for bit: element
 * {@code i} (ggml order) of tensor {@code name} is a uniform value of mean 0 and standard deviation {@code std},
 * drawn from a counter-based splitmix64 keyed by the seed and the FNV-1a hash of the name. So a model built in Java
 * and one built by the script hold the same float32 weights.
 */
public final class SyntheticWeights {
    static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private SyntheticWeights() {}

    /** splitmix64's output function. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** 64-bit FNV-1a. */
    static long fnv1a64(byte[] data) {
        long h = 0xCBF29CE484222325L;
        for (byte b : data) {
            h ^= b & 0xFF;
            h *= 0x100000001B3L;
        }
        return h;
    }

    /** The key of tensor {@code name}'s values under {@code seed}. */
    public static long tensorKey(long seed, String name) {
        return mix(seed + GOLDEN) ^ fnv1a64(name.getBytes(StandardCharsets.UTF_8));
    }

    /** Element {@code index} of the tensor with {@code key}. */
    public static float value(long key, long index, double std) {
        long z = mix(key + (index + 1) * GOLDEN);
        double u = (z >>> 11) * 0x1p-53;
        return (float) ((2 * u - 1) * (std * Math.sqrt(3)));
    }

    /** Elements {@code start .. start+count-1} of tensor {@code name}. */
    public static float[] uniform(long seed, String name, long start, int count, double std) {
        long key = tensorKey(seed, name);
        float[] out = new float[count];
        for (int i = 0; i < count; i++) out[i] = value(key, start + i, std);
        return out;
    }

    /** gen_synthetic_gguf.py's std for a tensor: 4 / sqrt(dim) for token_embd and output, 1 / sqrt(ne0) otherwise. */
    public static double defaultStd(String name, long ne0, long dim) {
        return name.equals("token_embd.weight") || name.equals("output.weight") ? 4.0 / Math.sqrt(dim) : 1 / Math.sqrt(ne0);
    }
}
