package dev.jllm.engine.testing;

import java.nio.charset.StandardCharsets;

/**
 * The float32 weights of the synthetic models written by {@code shared/tools/gen_synthetic_gguf.py}, recomputed from
 * the definition in that script's documentation: every element is a function of (seed, tensor name, flat index), a
 * splitmix64 counter turned into a uniform value of standard deviation {@code std}. Lets tests compare quantized
 * files with the exact values they were made from.
 */
public final class SyntheticWeights {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private SyntheticWeights() {}

    /** Values {@code start .. start + count - 1} (ggml order, ne0 fastest) of tensor {@code name}. */
    public static float[] values(long seed, String name, long start, int count, double std) {
        long key = mix(seed + GOLDEN) ^ fnv1a64(name.getBytes(StandardCharsets.UTF_8));
        double a = std * Math.sqrt(3.0);
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            long z = mix(key + (start + i + 1) * GOLDEN);
            double u = (z >>> 11) * 0x1p-53;
            out[i] = (float) ((2.0 * u - 1.0) * a);
        }
        return out;
    }

    /** The script's std for a tensor: 4 / sqrt(dim) for token_embd and output, 1 / sqrt(ne0) for other matrices. */
    public static double defaultStd(String name, long ne0, long dim) {
        return name.equals("token_embd.weight") || name.equals("output.weight") ? 4.0 / Math.sqrt(dim) : 1 / Math.sqrt(ne0);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long fnv1a64(byte[] data) {
        long h = 0xCBF29CE484222325L;
        for (byte b : data) {
            h ^= b & 0xFF;
            h *= 0x100000001B3L;
        }
        return h;
    }
}
