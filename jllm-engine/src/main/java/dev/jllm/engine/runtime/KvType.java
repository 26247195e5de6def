package dev.jllm.engine.runtime;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The element type of the KV cache. A cached row holds the keys (or values) of one position for all KV heads side by
 * side, {@code kvDim} values, encoded as ggml encodes that type: F32 and F16 little-endian floats, Q8_0 as
 * {@code block_q8_0} blocks (32 values with an fp16 scale), so a Q8_0 block may span two heads, as in llama.cpp's
 * cache.
 */
public enum KvType {
    F32("f32"),
    F16("f16"),
    Q8_0("q8_0");

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** block_q8_0: values per block and bytes per block (the constants of the quant class this enum's names hide). */
    private static final int BLOCK = dev.jllm.engine.quant.Q8_0.BLOCK_SIZE, BLOCK_BYTES = dev.jllm.engine.quant.Q8_0.BLOCK_BYTES;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

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

    /** Bytes of one cached row of {@code kvDim} values; fails with a clear message when the type cannot hold it. */
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

    /** Encodes the row {@code src[srcOffset .. srcOffset + kvDim)} at {@code dst[dstOffset ..]}. */
    void write(float[] src, int srcOffset, int kvDim, MemorySegment dst, long dstOffset) {
        switch (this) {
            case F32 -> MemorySegment.copy(src, srcOffset, dst, FLOAT, dstOffset, kvDim);
            case F16 -> dev.jllm.engine.quant.F16.quantize(src, srcOffset, dst, dstOffset, kvDim);
            case Q8_0 -> dev.jllm.engine.quant.Q8_0.quantize(src, srcOffset, dst, dstOffset, kvDim);
        }
    }

    /**
     * Decodes values {@code [from, from + count)} of {@code rows} consecutive rows (the first at {@code offset}, the
     * next {@code rowBytes} further) into {@code dst}, row r at {@code dst[r * count ..]}.
     */
    void read(MemorySegment src, long offset, long rowBytes, int rows, int from, int count, float[] dst) {
        for (int r = 0; r < rows; r++) {
            long row = offset + r * rowBytes;
            int out = r * count;
            switch (this) {
                case F32 -> MemorySegment.copy(src, FLOAT, row + 4L * from, dst, out, count);
                case F16 -> {
                    for (int i = 0; i < count; i++) dst[out + i] = Float.float16ToFloat(src.get(SHORT, row + 2L * (from + i)));
                }
                case Q8_0 -> readQ8_0(src, row, from, count, dst, out);
            }
        }
    }

    /** value = d * q of the blocks that values [from, from + count) of the row at {@code row} fall in. */
    private static void readQ8_0(MemorySegment src, long row, int from, int count, float[] dst, int out) {
        int end = from + count;
        for (int i = from; i < end; ) {
            int block = i / BLOCK;
            int blockEnd = Math.min(end, (block + 1) * BLOCK);
            long b = row + (long) block * BLOCK_BYTES;
            float d = Float.float16ToFloat(src.get(SHORT, b));
            long quants = b + 2 - (long) block * BLOCK;
            for (; i < blockEnd; i++) dst[out + i - from] = d * src.get(ValueLayout.JAVA_BYTE, quants + i);
        }
    }
}
