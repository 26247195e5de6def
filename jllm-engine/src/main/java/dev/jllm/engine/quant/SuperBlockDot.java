package dev.jllm.engine.quant;

import java.lang.foreign.MemorySegment;

/**
 * The dot products of a K-quant type (super-blocks of 256 values against Q8_K activations): per super-block an integer
 * sum Σ scale · q · x, which {@link #combine} turns into the block's float share. A type supplies that sum twice, as
 * ggml's scalar reference and in vector lanes (the same value), plus {@code combine}. Each hook is called once per
 * super-block, so every type's vector loop stays in its own small, monomorphic method.
 */
abstract class SuperBlockDot {
    private static final int BLOCK_SIZE = 256;
    private final int blockBytes;

    SuperBlockDot(int blockBytes) {
        this.blockBytes = blockBytes;
    }

    /** Σ scale · q · x over the super-block at row[o] and the activation quants from q[qb], one value at a time. */
    abstract int scalarBlockSum(byte[] row, int o, byte[] q, int qb);

    /** {@link #scalarBlockSum} taken in vector lanes: the same value. */
    abstract int vectorBlockSum(byte[] row, int o, byte[] q, int qb);

    /** The share of the super-block at row[o] in the dot product with activation block {@code xBlock}. */
    abstract float combine(byte[] row, int o, Activations x, int xBlock, int isum);

    /** Σ w·x over {@code count} values: {@link RowKernel.Dot}. */
    final float dot(MemorySegment w, long offset, Activations x, int xElement, int count) {
        return Simd.ENABLED ? dotVector(w, offset, x, xElement, count) : dotScalar(w, offset, x, xElement, count);
    }

    final float dotScalar(MemorySegment w, long offset, Activations x, int xElement, int count) {
        byte[] row = RowScratch.copy(w, offset, count / BLOCK_SIZE * blockBytes);
        int xBlock = xElement / BLOCK_SIZE;
        float sum = 0;
        for (int b = 0; b < count / BLOCK_SIZE; b++) {
            int o = b * blockBytes;
            sum += combine(row, o, x, xBlock + b, scalarBlockSum(row, o, x.quants, xElement + b * BLOCK_SIZE));
        }
        return sum;
    }

    /** {@link #dotScalar} with the integer sums taken in vector lanes: the same result, bit for bit. */
    final float dotVector(MemorySegment w, long offset, Activations x, int xElement, int count) {
        return dotRow(RowScratch.copy(w, offset, count / BLOCK_SIZE * blockBytes), x, xElement, count);
    }

    /** {@link RowKernel.RowBatch}: the row copied once, then {@link #dotVector}'s arithmetic per vector. */
    final void multiply(MemorySegment w, long offset, int count, Activations x, int first, int end, float[] out, int o,
            int outStride) {
        byte[] row = RowScratch.copy(w, offset, count / BLOCK_SIZE * blockBytes);
        for (int v = first; v < end; v++) out[o + v * outStride] = dotRow(row, x, v * count, count);
    }

    private float dotRow(byte[] row, Activations x, int xElement, int count) {
        int xBlock = xElement / BLOCK_SIZE;
        float sum = 0;
        for (int b = 0; b < count / BLOCK_SIZE; b++) {
            int o = b * blockBytes;
            sum += combine(row, o, x, xBlock + b, vectorBlockSum(row, o, x.quants, xElement + b * BLOCK_SIZE));
        }
        return sum;
    }
}
