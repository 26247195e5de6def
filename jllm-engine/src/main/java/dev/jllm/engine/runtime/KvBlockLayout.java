package dev.jllm.engine.runtime;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Where the keys and values of a block's positions lie in the block, and how they are encoded, laid out for the way
 * {@link Attention} reads them: a tile of one KV head's keys transposed (value after value, the positions side by
 * side) and its values position after position.
 *
 * <p>Per layer, the block holds all keys, then all values. F32 and F16 store each KV head's tile in one run: keys as
 * {@code [headDim][blockSize]}, values as {@code [blockSize][headDim]}, so a full tile is read with one copy. Q8_0 keeps
 * llama.cpp's rows: per position, the {@code kvDim} values of all heads as {@code block_q8_0} blocks of 32 (which may
 * span two heads), decoded value by value.
 */
final class KvBlockLayout {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int Q8_BLOCK = dev.jllm.engine.quant.Q8_0.BLOCK_SIZE, Q8_BLOCK_BYTES = dev.jllm.engine.quant.Q8_0.BLOCK_BYTES;

    private final KvType type;
    private final int blockSize;
    private final int kvHeads;
    private final int headDim;
    private final int kvDim;
    private final long rowBytes;
    /** Bytes of one layer's keys (or values) in a block. */
    private final long partBytes;
    /** Bytes of one value (F32, F16). */
    private final int valueBytes;

    KvBlockLayout(KvType type, int blockSize, int kvHeads, int headDim) {
        this.type = type;
        this.blockSize = blockSize;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.kvDim = kvHeads * headDim;
        this.rowBytes = type.rowBytes(kvDim);
        this.partBytes = blockSize * rowBytes;
        this.valueBytes = type == KvType.F16 ? 2 : 4;
    }

    /** Bytes of one layer (keys and values) of a block. */
    long layerBytes() {
        return 2 * partBytes;
    }

    /** Stores the key and value rows (kvDim values each, heads side by side) of {@code slot} in {@code layer}. */
    void write(MemorySegment block, int layer, int slot, float[] k, int kOffset, float[] v, int vOffset) {
        long keys = 2 * layer * partBytes, values = keys + partBytes;
        if (type == KvType.Q8_0) {
            dev.jllm.engine.quant.Q8_0.quantize(k, kOffset, block, keys + slot * rowBytes, kvDim);
            dev.jllm.engine.quant.Q8_0.quantize(v, vOffset, block, values + slot * rowBytes, kvDim);
            return;
        }
        for (int h = 0; h < kvHeads; h++) {
            long keyTile = keys + (long) h * headDim * blockSize * valueBytes;
            for (int d = 0; d < headDim; d++) put(block, keyTile + ((long) d * blockSize + slot) * valueBytes, k[kOffset + h * headDim + d]);
            long valueRow = values + ((long) h * blockSize + slot) * headDim * valueBytes;
            for (int d = 0; d < headDim; d++) put(block, valueRow + (long) d * valueBytes, v[vOffset + h * headDim + d]);
        }
    }

    private void put(MemorySegment block, long offset, float value) {
        if (type == KvType.F16) block.set(SHORT, offset, Float.floatToFloat16(value));
        else block.set(FLOAT, offset, value);
    }

    /** One thread's space for decoding tiles: raw Q8_0 rows, or F16 values. */
    static final class Scratch {
        private final byte[] raw;
        private final short[] halves;

        private Scratch(int bytes) {
            raw = new byte[bytes];
            halves = new short[bytes / 2];
        }
    }

    Scratch newScratch() {
        return new Scratch((int) partBytes);
    }

    /**
     * Decodes the keys of {@code kvHead} at slots {@code [slot, slot + count)} of {@code layer} transposed: value d of
     * slot + j goes to {@code dst[d * stride + j]}.
     */
    void readKeys(MemorySegment block, int layer, int kvHead, int slot, int count, float[] dst, int stride, Scratch scratch) {
        long keys = 2 * layer * partBytes;
        if (type == KvType.Q8_0) {
            readQ8_0(block, keys, kvHead, slot, count, dst, 1, stride, scratch.raw);
            return;
        }
        long tile = keys + (long) kvHead * headDim * blockSize * valueBytes;
        if (count == blockSize && stride == blockSize) {
            read(block, tile, dst, 0, headDim * blockSize, scratch.halves);
        } else {
            for (int d = 0; d < headDim; d++) read(block, tile + ((long) d * blockSize + slot) * valueBytes, dst, d * stride, count, scratch.halves);
        }
    }

    /**
     * Decodes the values of {@code kvHead} at slots {@code [slot, slot + count)} of {@code layer} position after
     * position: value d of slot + j goes to {@code dst[j * headDim + d]}.
     */
    void readValues(MemorySegment block, int layer, int kvHead, int slot, int count, float[] dst, Scratch scratch) {
        long values = (2L * layer + 1) * partBytes;
        if (type == KvType.Q8_0) {
            readQ8_0(block, values, kvHead, slot, count, dst, headDim, 1, scratch.raw);
            return;
        }
        read(block, values + ((long) kvHead * blockSize + slot) * headDim * valueBytes, dst, 0, count * headDim, scratch.halves);
    }

    /** {@code count} consecutive F32 or F16 values from {@code offset} to {@code dst[dstOffset ..]}. */
    private void read(MemorySegment block, long offset, float[] dst, int dstOffset, int count, short[] halves) {
        if (type == KvType.F32) {
            MemorySegment.copy(block, FLOAT, offset, dst, dstOffset, count);
        } else {
            MemorySegment.copy(block, SHORT, offset, halves, 0, count);
            for (int i = 0; i < count; i++) dst[dstOffset + i] = Float.float16ToFloat(halves[i]);
        }
    }

    /**
     * The Q8_0 rows of slots {@code [slot, slot + count)} from {@code part}, values of {@code kvHead} only: value d of
     * slot + j to {@code dst[j * rowStep + d * valueStep]}. The rows are copied out in one piece, then decoded.
     */
    private void readQ8_0(MemorySegment block, long part, int kvHead, int slot, int count, float[] dst, int rowStep, int valueStep,
                          byte[] raw) {
        MemorySegment.copy(block, part + slot * rowBytes, MemorySegment.ofArray(raw), 0, count * rowBytes);
        int from = kvHead * headDim, end = from + headDim;
        for (int j = 0; j < count; j++) {
            int row = (int) (j * rowBytes);
            for (int i = from; i < end; ) {
                int q8 = i / Q8_BLOCK, blockEnd = Math.min(end, (q8 + 1) * Q8_BLOCK);
                int b = row + q8 * Q8_BLOCK_BYTES;
                float d = Float.float16ToFloat((short) ((raw[b] & 0xFF) | raw[b + 1] << 8));
                int quants = b + 2 - q8 * Q8_BLOCK, out = j * rowStep - from * valueStep;
                for (; i < blockEnd; i++) dst[out + i * valueStep] = d * raw[quants + i];
            }
        }
    }
}
