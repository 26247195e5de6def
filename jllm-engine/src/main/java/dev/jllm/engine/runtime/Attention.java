package dev.jllm.engine.runtime;

import dev.jllm.engine.model.ModelConfig;
import dev.jllm.engine.quant.GgmlFloat;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Causal, optionally sliding-window, attention as one tiled online-softmax pass over a paged KV cache, the way
 * FlashAttention computes it: a query walks the positions it sees one cache block at a time, keeping a running
 * maximum score, a running sum of exponentials and a running weighted sum of values, which are rescaled whenever the
 * maximum grows. Nothing grows with the context: the scratch space is one block of keys and values.
 *
 * <p>The arithmetic for one query depends only on that query, its position and the cache contents: tiles are cache
 * blocks (fixed by absolute position), each (query, head) runs on one thread in one order, and vector lanes are summed
 * in a fixed order. So a token's output is bit-identical whether it is decoded alone, comes in a prompt chunk, or
 * shares the batch with other sequences.
 */
final class Attention {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

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
     * key and value are already cached) and each head: softmax(q·k * scale) · v over the positions it sees, into
     * {@code out} (laid out like {@code q}: token after token, head after head).
     */
    void run(int layer, float[] q, float[] out, int n, KvCache[] caches, int[] positions) {
        Parallel.forRange(n * heads, 1, (start, end) -> {
            Tile tile = new Tile(headDim);
            for (int job = start; job < end; job++) {
                int t = job / heads, h = job % heads;
                int offset = t * qDim + h * headDim;
                attend(layer, caches[t], positions[t], q, offset, h / group, out, offset, tile);
            }
        });
    }

    /** One query head over the positions it sees, block by block. */
    private void attend(int layer, KvCache cache, int pos, float[] q, int qOffset, int kvHead, float[] out, int outOffset,
                        Tile tile) {
        int blockSize = cache.blockSize();
        tile.fit(blockSize);
        float[] keys = tile.keys, values = tile.values, weights = tile.weights, acc = tile.acc;
        Arrays.fill(acc, 0f);
        float max = Float.NEGATIVE_INFINITY, sum = 0f;
        int from = kvHead * headDim;
        for (int start = cache.firstVisible(pos); start <= pos; ) {
            int end = Math.min(pos + 1, (start / blockSize + 1) * blockSize);
            int len = end - start;
            cache.readKeys(layer, start, len, from, headDim, keys);
            float tileMax = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < len; j++) {
                float s = dot(q, qOffset, keys, j * headDim, tile.lanes) * scale;
                weights[j] = s;
                tileMax = Math.max(tileMax, s);
            }
            if (tileMax > max) {
                if (max != Float.NEGATIVE_INFINITY) {
                    float correction = GgmlFloat.expf(max - tileMax);
                    sum *= correction;
                    scale(acc, correction);
                }
                max = tileMax;
            }
            for (int j = 0; j < len; j++) {
                weights[j] = GgmlFloat.expf(weights[j] - max);
                sum += weights[j];
            }
            cache.readValues(layer, start, len, from, headDim, values);
            addWeighted(acc, values, weights, len);
            start = end;
        }
        divide(acc, sum, out, outOffset);
    }

    /** Σ a·b over headDim values: lane-wise FMAs, then the lanes summed in order, then the leftovers by FMA. */
    private float dot(float[] a, int aOffset, float[] b, int bOffset, float[] lanes) {
        int upper = SPECIES.loopBound(headDim);
        float sum = 0f;
        if (upper > 0) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int i = 0; i < upper; i += SPECIES.length()) {
                acc = FloatVector.fromArray(SPECIES, a, aOffset + i).fma(FloatVector.fromArray(SPECIES, b, bOffset + i), acc);
            }
            acc.intoArray(lanes, 0);
            for (float lane : lanes) sum += lane;
        }
        for (int i = upper; i < headDim; i++) sum = Math.fma(a[aOffset + i], b[bOffset + i], sum);
        return sum;
    }

    /** acc += Σ_j weights[j] · values[j], position after position for every element. */
    private void addWeighted(float[] acc, float[] values, float[] weights, int len) {
        int upper = SPECIES.loopBound(headDim);
        for (int d = 0; d < upper; d += SPECIES.length()) {
            FloatVector a = FloatVector.fromArray(SPECIES, acc, d);
            for (int j = 0; j < len; j++) a = FloatVector.fromArray(SPECIES, values, j * headDim + d).fma(FloatVector.broadcast(SPECIES, weights[j]), a);
            a.intoArray(acc, d);
        }
        for (int d = upper; d < headDim; d++) {
            float a = acc[d];
            for (int j = 0; j < len; j++) a = Math.fma(values[j * headDim + d], weights[j], a);
            acc[d] = a;
        }
    }

    private void scale(float[] acc, float factor) {
        int upper = SPECIES.loopBound(headDim);
        for (int d = 0; d < upper; d += SPECIES.length()) FloatVector.fromArray(SPECIES, acc, d).mul(factor).intoArray(acc, d);
        for (int d = upper; d < headDim; d++) acc[d] *= factor;
    }

    private void divide(float[] acc, float sum, float[] out, int outOffset) {
        int upper = SPECIES.loopBound(headDim);
        for (int d = 0; d < upper; d += SPECIES.length()) FloatVector.fromArray(SPECIES, acc, d).div(sum).intoArray(out, outOffset + d);
        for (int d = upper; d < headDim; d++) out[outOffset + d] = acc[d] / sum;
    }

    /** One thread's scratch space: a block of decoded keys and values, their weights, the running sum of values. */
    private static final class Tile {
        final float[] acc;
        final float[] lanes = new float[SPECIES.length()];
        final int headDim;
        float[] keys = new float[0], values = new float[0], weights = new float[0];

        Tile(int headDim) {
            this.headDim = headDim;
            this.acc = new float[headDim];
        }

        void fit(int blockSize) {
            if (weights.length >= blockSize) return;
            keys = new float[blockSize * headDim];
            values = new float[blockSize * headDim];
            weights = new float[blockSize];
        }
    }
}
