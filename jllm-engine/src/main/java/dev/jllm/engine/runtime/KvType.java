package dev.jllm.engine.runtime;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The element type of the KV cache, encoded as ggml encodes it: F32 and F16 little-endian floats, Q8_0 as
 * {@code block_q8_0} blocks (32 values with an fp16 scale) over a position's {@code kvDim} keys or values, as in
 * llama.cpp's cache. {@link KvBlockLayout} places them in a block.
 */
public enum KvType {
    F32("f32"),
    F16("f16"),
    Q8_0("q8_0");

    /** block_q8_0: values per block and bytes per block (the constants of the quant class this enum's names hide). */
    private static final int BLOCK = dev.jllm.engine.quant.Q8_0.BLOCK_SIZE, BLOCK_BYTES = dev.jllm.engine.quant.Q8_0.BLOCK_BYTES;

    /** The name llama.cpp's {@code --cache-type-k} and jllm's {@code --kv-type} use. */
    public final String ggmlName;

    KvType(String ggmlName) {
        this.ggmlName = ggmlName;
    }

    /** The type named {@code name} ({@link #ggmlName}, any case). */
    public static KvType parse(String name) {
        for (KvType t : values()) if (t.ggmlName.equalsIgnoreCase(name.trim())) return t;
        throw new IllegalArgumentException("unknown KV-cache type '" + name + "' (supported: " + names() + ")");
    }

    /** The supported names, comma separated. */
    public static String names() {
        return Arrays.stream(values()).map(t -> t.ggmlName).collect(Collectors.joining(", "));
    }

    /** Bytes of one position's {@code kvDim} keys (or values); fails with a clear message when the type cannot hold them. */
    public long rowBytes(int kvDim) {
        return switch (this) {
            case F32 -> 4L * kvDim;
            case F16 -> 2L * kvDim;
            case Q8_0 -> {
                if (kvDim % BLOCK != 0) {
                    throw new IllegalArgumentException("a q8_0 KV cache needs rows of a multiple of " + BLOCK
                            + " values, but this model's KV rows hold " + kvDim + " (use --kv-type f16 or f32)");
                }
                yield (long) kvDim / BLOCK * BLOCK_BYTES;
            }
        };
    }
}
