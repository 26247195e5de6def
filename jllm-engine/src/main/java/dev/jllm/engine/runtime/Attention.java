package dev.jllm.engine.runtime;

import dev.jllm.engine.model.ModelConfig;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Causal, optionally sliding-window, attention as one tiled online-softmax pass over a paged KV cache, the way
 * FlashAttention computes it: a query walks the positions it sees one cache block (a tile) at a time, keeping a
 * running maximum score, a running sum of exponentials and a running weighted sum of values, which are rescaled
 * whenever the maximum grows. Nothing grows with the context: the scratch space is one tile of keys and values.
 *
 * <p>Work is split into jobs of up to {@link #QUERY_BLOCK} consecutive tokens of one sequence and one KV head: a job
 * decodes each tile once for all its queries and the query heads that share the KV head. Within a tile, the scores of
 * a query are computed for all positions at once (vector lanes over positions, from keys decoded transposed), their
 * exponentials too, and the values are summed into the output vector by vector over the head's values.
 *
 * <p>The arithmetic for one query depends only on that query, its position and the cache contents: tiles are cache
 * blocks, fixed by absolute position, every sum runs in one order, and no operation reduces across vector lanes. So a
 * token's output is bit-identical whether it is decoded alone, comes in a prompt chunk, or shares the batch with
 * other sequences.
 */
final class Attention {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    /** Queries of one sequence that share each decoded tile. */
    private static final int QUERY_BLOCK = 16;

    private final int heads;
    private final int headDim;
    private final int qDim;
    private final int group;
    private final float scale;

    Attention(ModelConfig c) {
        this.heads = c.heads();
        this.headDim = c.headDim();
        this.qDim = c.qDim();
        this.group = c.heads() / c.kvHeads();
        this.scale = 1f / (float) Math.sqrt(c.headDim()); // 1.0f/sqrtf(n_embd_head)
    }

    /**
     * For each of {@code n} queries (query t belongs to the sequence of {@code caches[t]} at {@code positions[t]}, whose
     * key and value are already cached; a sequence's queries are consecutive tokens at consecutive positions) and each
     * head: softmax(q·k * scale) · v over the positions it sees, into {@code out} (laid out like {@code q}: token after
     * token, head after head).
     */
    void run(int layer, float[] q, float[] out, int n, KvCache[] caches, int[] positions) {
        int[] blockStarts = new int[n + 1];
        int blocks = 0;
        for (int t = 0; t < n; t++) {
            boolean sameSequence = t > 0 && caches[t] == caches[t - 1] && positions[t] == positions[t - 1] + 1;
            if (!sameSequence || t - blockStarts[blocks - 1] == QUERY_BLOCK) blockStarts[blocks++] = t;
        }
        blockStarts[blocks] = n;
        int kvHeads = heads / group, queryBlocks = blocks;
        Parallel.forRange(queryBlocks * kvHeads, 1, (start, end) -> {
            Scratch scratch = new Scratch();
            for (int job = start; job < end; job++) {
                int b = job / kvHeads, kvHead = job % kvHeads;
                attend(layer, caches[blockStarts[b]], q, out, positions, blockStarts[b], blockStarts[b + 1], kvHead, scratch);
            }
        });
    }

    /** Queries {@code [t0, t1)} of one sequence, for the query heads of {@code kvHead}, tile by tile. */
    private void attend(int layer, KvCache cache, float[] q, float[] out, int[] positions, int t0, int t1, int kvHead,
                        Scratch s) {
        int blockSize = cache.blockSize();
        int stride = s.fit(cache.pool().layout(), blockSize, (t1 - t0) * group, headDim);
        Arrays.fill(s.max, Float.NEGATIVE_INFINITY);
        Arrays.fill(s.sum, 0f);
        Arrays.fill(s.acc, 0f);
        int last = positions[t1 - 1];
        for (int start = cache.firstVisible(positions[t0]); start <= last; ) {
            int end = Math.min(last + 1, (start / blockSize + 1) * blockSize);
            int len = end - start;
            cache.readKeys(layer, kvHead, start, len, s.keys, stride, s.decoding);
            cache.readValues(layer, kvHead, start, len, s.values, s.decoding);
            for (int t = t0; t < t1; t++) {
                int lo = Math.max(start, cache.firstVisible(positions[t])) - start, hi = Math.min(end, positions[t] + 1) - start;
                if (lo >= hi) continue;
                for (int g = 0; g < group; g++) {
                    int h = kvHead * group + g;
                    addTile(q, t * qDim + h * headDim, (t - t0) * group + g, lo, hi, stride, s);
                }
            }
            start = end;
        }
        for (int t = t0; t < t1; t++) {
            for (int g = 0; g < group; g++) {
                int state = (t - t0) * group + g;
                divide(s.acc, state * headDim, s.sum[state], out, t * qDim + (kvHead * group + g) * headDim);
            }
        }
    }

    /** Folds positions {@code [lo, hi)} of the decoded tile into the running state {@code state} of one query head. */
    private void addTile(float[] q, int qOffset, int state, int lo, int hi, int stride, Scratch s) {
        float[] keys = s.keys, weights = s.weights;
        // scores of the whole tile, lanes over positions: Σ_d q[d] * k[d][j], then * scale
        for (int j = 0; j < stride; j += LANES) {
            FloatVector dot = FloatVector.zero(SPECIES);
            for (int d = 0; d < headDim; d++) {
                dot = FloatVector.fromArray(SPECIES, keys, d * stride + j).fma(FloatVector.broadcast(SPECIES, q[qOffset + d]), dot);
            }
            dot.mul(scale).intoArray(weights, j);
        }
        float tileMax = Float.NEGATIVE_INFINITY;
        for (int j = lo; j < hi; j++) tileMax = Math.max(tileMax, weights[j]);
        float max = s.max[state], sum = s.sum[state];
        int acc = state * headDim;
        if (tileMax > max) {
            if (max != Float.NEGATIVE_INFINITY) {
                float correction = exp(FloatVector.broadcast(SPECIES, max - tileMax)).lane(0);
                sum *= correction;
                scale(s.acc, acc, correction);
            }
            max = tileMax;
        }
        for (int j = 0; j < stride; j += LANES) {
            exp(FloatVector.fromArray(SPECIES, weights, j).sub(max)).intoArray(weights, j);
        }
        for (int j = lo; j < hi; j++) sum += weights[j];
        addWeighted(s.acc, acc, s.values, weights, lo, hi);
        s.max[state] = max;
        s.sum[state] = sum;
    }

    /** acc += Σ_j weights[j] · values[j] for j in [lo, hi), position after position for every element. */
    private void addWeighted(float[] acc, int accOffset, float[] values, float[] weights, int lo, int hi) {
        int upper = SPECIES.loopBound(headDim);
        for (int d = 0; d < upper; d += LANES) {
            FloatVector a = FloatVector.fromArray(SPECIES, acc, accOffset + d);
            for (int j = lo; j < hi; j++) {
                a = FloatVector.fromArray(SPECIES, values, j * headDim + d).fma(FloatVector.broadcast(SPECIES, weights[j]), a);
            }
            a.intoArray(acc, accOffset + d);
        }
        for (int d = upper; d < headDim; d++) {
            float a = acc[accOffset + d];
            for (int j = lo; j < hi; j++) a = Math.fma(values[j * headDim + d], weights[j], a);
            acc[accOffset + d] = a;
        }
    }

    private void scale(float[] acc, int offset, float factor) {
        for (int d = 0; d < headDim; d++) acc[offset + d] *= factor;
    }

    private void divide(float[] acc, int offset, float sum, float[] out, int outOffset) {
        for (int d = 0; d < headDim; d++) out[outOffset + d] = acc[offset + d] / sum;
    }

    /**
     * e^x for x ≤ 0, lane by lane (Cephes' expf: x = n·ln2 + r with |r| ≤ ln2/2, a degree-7 polynomial for e^r, and
     * 2^n put into the exponent bits), within 2 ulp down to e^-87.3 (below that, about 1e-38). Only lane-wise
     * operations, each exactly specified, so every lane gets the same bits in every compiler tier.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector v = x.max(-87.3f);
        FloatVector n = v.fma(1.44269504f, 0x1.8p23f).sub(0x1.8p23f); // rint(x / ln 2)
        FloatVector r = n.fma(FloatVector.broadcast(SPECIES, -0.693359375f), v); // x - n ln 2, ln 2 in two parts
        r = n.fma(FloatVector.broadcast(SPECIES, 2.12194440e-4f), r);
        FloatVector p = r.fma(1.9875691500e-4f, 1.3981999507e-3f)
                .fma(r, FloatVector.broadcast(SPECIES, 8.3334519073e-3f))
                .fma(r, FloatVector.broadcast(SPECIES, 4.1665795894e-2f))
                .fma(r, FloatVector.broadcast(SPECIES, 1.6666665459e-1f))
                .fma(r, FloatVector.broadcast(SPECIES, 5.0000001201e-1f));
        p = p.fma(r.mul(r), r).add(1f);
        IntVector bits = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats());
    }

    /** One thread's scratch space: a tile of keys (transposed) and values, scores, and the running state of its queries. */
    private static final class Scratch {
        KvBlockLayout layout;
        KvBlockLayout.Scratch decoding;
        float[] keys = new float[0], values = new float[0], weights = new float[0];
        float[] max = new float[0], sum = new float[0], acc = new float[0];

        /** Makes room for tiles of {@code blockSize} positions and {@code states} query heads; returns the tile stride. */
        int fit(KvBlockLayout layout, int blockSize, int states, int headDim) {
            int stride = (blockSize + LANES - 1) / LANES * LANES;
            if (layout != this.layout) {
                this.layout = layout;
                decoding = layout.newScratch();
            }
            if (values.length < blockSize * headDim) {
                keys = new float[stride * headDim];
                values = new float[blockSize * headDim];
                weights = new float[stride];
            }
            if (max.length < states) {
                max = new float[states];
                sum = new float[states];
                acc = new float[states * headDim];
            }
            return stride;
        }
    }
}
