package dev.jllm.engine.quant;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix products of weights that dequantize exactly to floats (F32, F16, BF16, Q4_0, Q8_0: a value is q times a
 * half-precision scale, which a float holds without rounding) with float activations. Every output element is computed
 * in one order, whatever the batch: lane {@code k % LANES} of a float vector accumulates {@code w[k] * x[k]} by FMA
 * for k ascending (a short last group reads zeros in the missing lanes), then the lanes are summed by {@link
 * #sumLanes}. So a vector's products are bit-identical whether it is multiplied alone ({@link #matVec}) or inside a
 * batch ({@link #matMul}), which is what lets a server batch requests without changing any of their results.
 *
 * <p>A batch is a register-tiled matrix product: a tile of {@link #ROWS} weight rows is dequantized once into a
 * per-thread buffer, a panel of {@link #PANEL} values at a time, and multiplied with tiles of {@link #VECTORS}
 * activation vectors (one at a time for the last one or two) over the whole panel, the 16 accumulators of a tile in
 * registers. (A 4x4 tile loads as many activations per multiply as a 4x3 one but fewer per weight: 69-77 against
 * 62-68 GFLOP/s per thread for 16 vectors, in place with the dequantizing; alone in L1, 4x3 is the faster.) A
 * vector's single product ({@link #matVec}) walks the row in chunks of {@link #CHUNK} values that stay in the L1
 * cache.
 */
final class DequantizedProduct {
    private DequantizedProduct() {}

    static final VectorSpecies<Float> F = Simd.F;
    static final int LANES = Simd.LANES;
    /** Weight rows per register tile. */
    static final int ROWS = 4;
    /** Activation vectors per register tile. */
    private static final int VECTORS = 4;
    /** Values per chunk of a row: a multiple of every block size (256 for the K-quants). */
    static final int CHUNK = 1024;
    /** Values per panel of a long row in a batch. */
    static final int PANEL = 2048;
    /** Row tiles whose accumulators a batch keeps while it walks their panels (for 64 vectors, 256 KB: L2). */
    private static final int GROUP_TILES = 16;
    /** Activation floats a batch keeps cache-resident while it runs over the rows (the rest of L2 holds the weights). */
    private static final int ACTIVATION_BLOCK_FLOATS = 128 * 1024;

    /** Writes {@code count} values of a stored row, from byte {@code offset}, as floats: exactly, for these types. */
    @FunctionalInterface
    interface RowDequantizer {
        void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count);
    }

    /**
     * A kernel that computes two rows' products with one vector straight from the stored bytes, in this class's order
     * (so with the same bits as dequantizing first).
     */
    @FunctionalInterface
    interface FusedRows {
        /** out[o + a] = row a · x[xo ..] and out[o + b] = row b · x[xo ..]. */
        void multiply(MemorySegment w, long rowBytes, int a, int b, int cols, float[] x, int xo, float[] out, int o);
    }

    private static final class Scratch {
        float[] rows = new float[0];
        float[] acc = new float[0];

        float[] rows(int n) {
            if (rows.length < n) rows = new float[n];
            return rows;
        }

        float[] acc(int n) {
            if (acc.length < n) acc = new float[n];
            return acc;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * out[o + r] = row r · x[xo ..] for rows [start, end): whole tiles of rows by {@code fused} when there is one,
     * the others dequantized chunk by chunk.
     */
    static void matVec(RowDequantizer dq, FusedRows fused, MemorySegment w, long rowBytes, long blockBytes, int blockSize, int cols,
            int start, int end, float[] x, int xo, float[] out, int o) {
        Scratch s = SCRATCH.get();
        if (fused != null) {
            // the pairs take one row from each half of the range: two streams from memory, which arrive twice as fast as one
            int pairs = (end - start) / 2;
            for (int i = 0; i < pairs; i++) fused.multiply(w, rowBytes, start + i, start + pairs + i, cols, x, xo, out, o);
            start += 2 * pairs;
        }
        float[] buf = s.rows(ROWS * CHUNK);
        for (int r0 = start; r0 < end; r0 += ROWS) {
            int nr = Math.min(ROWS, end - r0);
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int k0 = 0; k0 < cols; k0 += CHUNK) {
                int len = Math.min(CHUNK, cols - k0);
                long chunkOffset = k0 / blockSize * blockBytes;
                for (int i = 0; i < nr; i++) dq.dequantize(w, (r0 + i) * rowBytes + chunkOffset, buf, i * CHUNK, len);
                int full = len & -LANES;
                for (int k = 0; k < full; k += LANES) {
                    FloatVector xv = FloatVector.fromArray(F, x, xo + k0 + k);
                    a0 = FloatVector.fromArray(F, buf, k).fma(xv, a0);
                    a1 = FloatVector.fromArray(F, buf, CHUNK + k).fma(xv, a1);
                    a2 = FloatVector.fromArray(F, buf, 2 * CHUNK + k).fma(xv, a2);
                    a3 = FloatVector.fromArray(F, buf, 3 * CHUNK + k).fma(xv, a3);
                }
                if (full < len) {
                    VectorMask<Float> m = F.indexInRange(full, len);
                    FloatVector xv = FloatVector.fromArray(F, x, xo + k0 + full, m);
                    a0 = FloatVector.fromArray(F, buf, full, m).fma(xv, a0);
                    a1 = FloatVector.fromArray(F, buf, CHUNK + full, m).fma(xv, a1);
                    a2 = FloatVector.fromArray(F, buf, 2 * CHUNK + full, m).fma(xv, a2);
                    a3 = FloatVector.fromArray(F, buf, 3 * CHUNK + full, m).fma(xv, a3);
                }
            }
            out[o + r0] = sumLanes(a0);
            if (nr > 1) out[o + r0 + 1] = sumLanes(a1);
            if (nr > 2) out[o + r0 + 2] = sumLanes(a2);
            if (nr > 3) out[o + r0 + 3] = sumLanes(a3);
        }
    }

    /**
     * out[v * outStride + r] = row r · vector v (x holds n vectors of {@code cols} values) for rows [start, end),
     * {@code start} a multiple of {@link #ROWS}. Long rows are walked in panels of {@link #PANEL} values, panel after
     * panel for a group of row tiles (so each output still sums k in ascending order): a block of vectors'
     * activations for one panel stays in the L2 cache while the group's rows pass, so a block holds as many vectors
     * for long rows as for short ones, and each weight tile is dequantized once per block.
     */
    static void matMul(RowDequantizer dq, MemorySegment w, long rowBytes, long blockBytes, int blockSize, int cols, int start, int end,
            float[] x, int n, float[] out, int outStride) {
        Scratch s = SCRATCH.get();
        int panel = Math.min(cols, PANEL);
        int stride = (panel + LANES - 1) & -LANES; // a panel's rows padded to whole lane groups, the padding zero
        float[] rows = s.rows(ROWS * stride);
        int block = Math.max(1, Math.min(n, ACTIVATION_BLOCK_FLOATS / panel));
        int tileAcc = ROWS * slots(block) * LANES;
        float[] acc = s.acc(GROUP_TILES * tileAcc);
        for (int v0 = 0; v0 < n; v0 += block) {
            int nv = Math.min(block, n - v0), rowAcc = slots(nv) * LANES;
            for (int g0 = start; g0 < end; g0 += GROUP_TILES * ROWS) {
                int g1 = Math.min(end, g0 + GROUP_TILES * ROWS), tiles = (g1 - g0 + ROWS - 1) / ROWS;
                java.util.Arrays.fill(acc, 0, tiles * tileAcc, 0f);
                for (int p0 = 0; p0 < cols; p0 += panel) {
                    int len = Math.min(panel, cols - p0);
                    long panelOffset = p0 / blockSize * blockBytes;
                    for (int t = 0; t < tiles; t++) {
                        int r0 = g0 + t * ROWS, nr = Math.min(ROWS, g1 - r0), a = t * tileAcc;
                        for (int i = 0; i < ROWS; i++) {
                            if (i < nr) dq.dequantize(w, (r0 + i) * rowBytes + panelOffset, rows, i * stride, len);
                            else java.util.Arrays.fill(rows, i * stride, i * stride + len, 0f);
                            java.util.Arrays.fill(rows, i * stride + len, (i + 1) * stride, 0f);
                        }
                        // weight indices are panel-relative: the activations' offset moves by the panel's start instead
                        int v = 0;
                        for (; nv - v >= 3; v += VECTORS) {
                            // with three vectors left, the fourth repeats the third into an accumulator slot never read
                            int xo = (v0 + v) * cols + p0;
                            tile4x4(rows, stride, 0, len, x, xo, xo + cols, xo + 2 * cols, nv - v > 3 ? xo + 3 * cols : xo + 2 * cols,
                                    acc, a + v * LANES, rowAcc);
                        }
                        for (; v < nv; v++) tile4x1(rows, stride, 0, len, x, (v0 + v) * cols + p0, acc, a + v * LANES, rowAcc);
                    }
                }
                for (int t = 0; t < tiles; t++) {
                    int r0 = g0 + t * ROWS, nr = Math.min(ROWS, g1 - r0);
                    for (int v = 0; v < nv; v++) {
                        for (int i = 0; i < nr; i++) {
                            out[(v0 + v) * outStride + r0 + i] = sumLanes(FloatVector.fromArray(F, acc, t * tileAcc + i * rowAcc + v * LANES));
                        }
                    }
                }
            }
        }
    }

    /**
     * Four rows times four vectors over values [k0, k1): accumulator (row i, vector j) lives at acc[a + i * rowAcc
     * + j * LANES], and vector j's activations start at x[xj]. The rows are zero-padded to whole lane groups, so the
     * last group masks only the activations ({@link #tile4x1}'s).
     */
    private static void tile4x4(float[] w, int stride, int k0, int k1, float[] x, int xo, int x1, int x2, int x3, float[] acc, int a,
            int rowAcc) {
        int a1 = a + rowAcc, a2 = a1 + rowAcc, a3 = a2 + rowAcc;
        FloatVector c00 = FloatVector.fromArray(F, acc, a), c01 = FloatVector.fromArray(F, acc, a + LANES);
        FloatVector c02 = FloatVector.fromArray(F, acc, a + 2 * LANES), c03 = FloatVector.fromArray(F, acc, a + 3 * LANES);
        FloatVector c10 = FloatVector.fromArray(F, acc, a1), c11 = FloatVector.fromArray(F, acc, a1 + LANES);
        FloatVector c12 = FloatVector.fromArray(F, acc, a1 + 2 * LANES), c13 = FloatVector.fromArray(F, acc, a1 + 3 * LANES);
        FloatVector c20 = FloatVector.fromArray(F, acc, a2), c21 = FloatVector.fromArray(F, acc, a2 + LANES);
        FloatVector c22 = FloatVector.fromArray(F, acc, a2 + 2 * LANES), c23 = FloatVector.fromArray(F, acc, a2 + 3 * LANES);
        FloatVector c30 = FloatVector.fromArray(F, acc, a3), c31 = FloatVector.fromArray(F, acc, a3 + LANES);
        FloatVector c32 = FloatVector.fromArray(F, acc, a3 + 2 * LANES), c33 = FloatVector.fromArray(F, acc, a3 + 3 * LANES);
        int full = k0 + ((k1 - k0) & -LANES);
        for (int k = k0; k < full; k += LANES) {
            FloatVector y0 = FloatVector.fromArray(F, x, xo + k), y1 = FloatVector.fromArray(F, x, x1 + k);
            FloatVector y2 = FloatVector.fromArray(F, x, x2 + k), y3 = FloatVector.fromArray(F, x, x3 + k);
            FloatVector w0 = FloatVector.fromArray(F, w, k);
            c00 = w0.fma(y0, c00);
            c01 = w0.fma(y1, c01);
            c02 = w0.fma(y2, c02);
            c03 = w0.fma(y3, c03);
            FloatVector w1 = FloatVector.fromArray(F, w, stride + k);
            c10 = w1.fma(y0, c10);
            c11 = w1.fma(y1, c11);
            c12 = w1.fma(y2, c12);
            c13 = w1.fma(y3, c13);
            FloatVector w2 = FloatVector.fromArray(F, w, 2 * stride + k);
            c20 = w2.fma(y0, c20);
            c21 = w2.fma(y1, c21);
            c22 = w2.fma(y2, c22);
            c23 = w2.fma(y3, c23);
            FloatVector w3 = FloatVector.fromArray(F, w, 3 * stride + k);
            c30 = w3.fma(y0, c30);
            c31 = w3.fma(y1, c31);
            c32 = w3.fma(y2, c32);
            c33 = w3.fma(y3, c33);
        }
        c00.intoArray(acc, a);
        c01.intoArray(acc, a + LANES);
        c02.intoArray(acc, a + 2 * LANES);
        c03.intoArray(acc, a + 3 * LANES);
        c10.intoArray(acc, a1);
        c11.intoArray(acc, a1 + LANES);
        c12.intoArray(acc, a1 + 2 * LANES);
        c13.intoArray(acc, a1 + 3 * LANES);
        c20.intoArray(acc, a2);
        c21.intoArray(acc, a2 + LANES);
        c22.intoArray(acc, a2 + 2 * LANES);
        c23.intoArray(acc, a2 + 3 * LANES);
        c30.intoArray(acc, a3);
        c31.intoArray(acc, a3 + LANES);
        c32.intoArray(acc, a3 + 2 * LANES);
        c33.intoArray(acc, a3 + 3 * LANES);
        if (full < k1) {
            // the masked last group, one vector at a time: in this method it would give C1 more virtual registers
            // than it has, and the kernel would run unintrinsified until C2 compiled it
            tile4x1(w, stride, full, k1, x, xo, acc, a, rowAcc);
            tile4x1(w, stride, full, k1, x, x1, acc, a + LANES, rowAcc);
            tile4x1(w, stride, full, k1, x, x2, acc, a + 2 * LANES, rowAcc);
            tile4x1(w, stride, full, k1, x, x3, acc, a + 3 * LANES, rowAcc);
        }
    }

    /** Accumulator slots per row for {@code vectors} vectors: whole tiles of {@link #VECTORS}. */
    private static int slots(int vectors) {
        return (vectors + VECTORS - 1) / VECTORS * VECTORS;
    }

    /** {@link #tile4x4} for one vector. */
    private static void tile4x1(float[] w, int stride, int k0, int k1, float[] x, int xo, float[] acc, int a, int rowAcc) {
        int a1 = a + rowAcc, a2 = a1 + rowAcc, a3 = a2 + rowAcc;
        FloatVector c0 = FloatVector.fromArray(F, acc, a), c1 = FloatVector.fromArray(F, acc, a1);
        FloatVector c2 = FloatVector.fromArray(F, acc, a2), c3 = FloatVector.fromArray(F, acc, a3);
        int full = k0 + ((k1 - k0) & -LANES);
        for (int k = k0; k < full; k += LANES) {
            FloatVector y = FloatVector.fromArray(F, x, xo + k);
            c0 = FloatVector.fromArray(F, w, k).fma(y, c0);
            c1 = FloatVector.fromArray(F, w, stride + k).fma(y, c1);
            c2 = FloatVector.fromArray(F, w, 2 * stride + k).fma(y, c2);
            c3 = FloatVector.fromArray(F, w, 3 * stride + k).fma(y, c3);
        }
        if (full < k1) {
            FloatVector y = FloatVector.fromArray(F, x, xo + full, F.indexInRange(full, k1));
            c0 = FloatVector.fromArray(F, w, full).fma(y, c0);
            c1 = FloatVector.fromArray(F, w, stride + full).fma(y, c1);
            c2 = FloatVector.fromArray(F, w, 2 * stride + full).fma(y, c2);
            c3 = FloatVector.fromArray(F, w, 3 * stride + full).fma(y, c3);
        }
        c0.intoArray(acc, a);
        c1.intoArray(acc, a1);
        c2.intoArray(acc, a2);
        c3.intoArray(acc, a3);
    }

    /** Lane i + w for the lanes of the folds of {@link #sumLanes}. */
    private static final VectorShuffle<Float> FOLD8 = fold(8), FOLD4 = fold(4), FOLD2 = fold(2), FOLD1 = fold(1);

    private static VectorShuffle<Float> fold(int width) {
        return VectorShuffle.fromOp(F, i -> (i + width) % LANES);
    }

    /**
     * The lanes' sum in a fixed tree: halves added lane-wise until one lane is left (for 16 lanes: lane i + lane
     * i+8, then i + i+4, i + i+2, i + i+1), by exact lane-wise adds of the vector and its rotation, so it never
     * depends on how the JIT would reduce a vector.
     */
    static float sumLanes(FloatVector acc) {
        FloatVector v = acc;
        if (LANES == 16) v = v.add(v.rearrange(FOLD8));
        v = v.add(v.rearrange(FOLD4));
        v = v.add(v.rearrange(FOLD2));
        v = v.add(v.rearrange(FOLD1));
        return v.lane(0);
    }
}
