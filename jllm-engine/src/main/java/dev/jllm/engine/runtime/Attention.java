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
 * exponentials too, and the values are summed into the output vector by vector over the head's values. The positions
 * are cut into {@link #SEGMENT}s: each segment's softmax state starts afresh and the segments' states are merged in
 * position order (as flash-decoding splits a long context), so that a decode step, which has few queries, can spread
 * one query's segments over the threads.
 *
 * <p>The arithmetic for one query depends only on that query, its position and the cache contents: tiles (cache
 * blocks) and segments are fixed by absolute position, every sum and merge runs in one order, and no operation reduces
 * across vector lanes. So a token's output is bit-identical whether it is decoded alone, comes in a prompt chunk, or
 * shares the batch with other sequences.
 */
final class Attention {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    /** Queries of one sequence that share each decoded tile. */
    private static final int QUERY_BLOCK = 16;
    /**
     * Positions whose softmax state is computed on its own and then merged with the others in position order: the
     * units that a step with few queries (a decode step) spreads over the threads. Every step merges the same way.
     */
    static final int SEGMENT = 1024;

    private final int kvHeads;
    private final int headDim;
    private final int qDim;
    private final int group;
    private final float scale;
    /** Each thread's scratch space, kept from step to step so that the token loop allocates nothing sizeable. */
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);
    /** The segments' states of {@link #runSegmentsInParallel}. */
    private final States partial = new States();

    Attention(ModelConfig c) {
        this.kvHeads = c.kvHeads();
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
        QueryBlocks qb = new QueryBlocks(layer, q, out, caches, positions, blockStarts, blocks);
        if (blocks * kvHeads >= 2 * Parallel.threads()) runSegmentsInOrder(qb);
        else runSegmentsInParallel(qb);
    }

    /** The step's queries, cut into blocks of consecutive tokens of one sequence. */
    private record QueryBlocks(int layer, float[] q, float[] out, KvCache[] caches, int[] positions, int[] starts, int count) {
        KvCache cache(int b) {
            return caches[starts[b]];
        }

        /** The first and the last segment that block b's queries see. */
        int firstSegment(int b) {
            return cache(b).firstVisible(positions[starts[b]]) / SEGMENT;
        }

        int lastSegment(int b) {
            return positions[starts[b + 1] - 1] / SEGMENT;
        }
    }

    /** One job per query block and KV head, which runs the segments one after the other. */
    private void runSegmentsInOrder(QueryBlocks qb) {
        Parallel.forRange(qb.count() * kvHeads, 1, (start, end) -> {
            Scratch s = scratch.get();
            for (int job = start; job < end; job++) {
                int b = job / kvHeads, kvHead = job % kvHeads;
                int states = (qb.starts()[b + 1] - qb.starts()[b]) * group;
                s.total.reset(states, headDim);
                for (int segment = qb.firstSegment(b); segment <= qb.lastSegment(b); segment++) {
                    s.segment.reset(states, headDim);
                    attendSegment(qb, b, kvHead, segment, s.segment, 0, s);
                    s.total.merge(s.segment, 0, states, headDim);
                }
                s.total.writeOut(qb, b, kvHead, this);
            }
        });
    }

    /**
     * One job per query block, KV head and segment, for steps with too few query blocks to keep the threads busy (a
     * decode step over a long context); the segments' states are merged afterwards, in the same order.
     */
    private void runSegmentsInParallel(QueryBlocks qb) {
        int[] firstUnit = new int[qb.count() * kvHeads + 1];
        int[] firstState = new int[qb.count() * kvHeads + 1];
        for (int job = 0; job < qb.count() * kvHeads; job++) {
            int b = job / kvHeads;
            int segments = qb.lastSegment(b) - qb.firstSegment(b) + 1;
            firstUnit[job + 1] = firstUnit[job] + segments;
            firstState[job + 1] = firstState[job] + segments * (qb.starts()[b + 1] - qb.starts()[b]) * group;
        }
        int units = firstUnit[qb.count() * kvHeads];
        partial.reset(firstState[qb.count() * kvHeads], headDim);
        Parallel.forRange(units, 1, (start, end) -> {
            Scratch s = scratch.get();
            int job = 0;
            for (int unit = start; unit < end; unit++) {
                while (firstUnit[job + 1] <= unit) job++;
                int b = job / kvHeads, states = (qb.starts()[b + 1] - qb.starts()[b]) * group;
                int k = unit - firstUnit[job];
                attendSegment(qb, b, job % kvHeads, qb.firstSegment(b) + k, partial, firstState[job] + k * states, s);
            }
        });
        Parallel.forRange(qb.count() * kvHeads, 1, (start, end) -> {
            States total = scratch.get().total;
            for (int job = start; job < end; job++) {
                int b = job / kvHeads, states = (qb.starts()[b + 1] - qb.starts()[b]) * group;
                total.reset(states, headDim);
                for (int k = 0; k < firstUnit[job + 1] - firstUnit[job]; k++) total.merge(partial, firstState[job] + k * states, states, headDim);
                total.writeOut(qb, b, job % kvHeads, this);
            }
        });
    }

    /**
     * The queries of block b over the positions of one segment they see, for the query heads of {@code kvHead}, tile by
     * tile, into {@code states} from {@code first} on (query after query, head after head; reset beforehand).
     */
    private void attendSegment(QueryBlocks qb, int b, int kvHead, int segment, States states, int first, Scratch s) {
        KvCache cache = qb.cache(b);
        int[] positions = qb.positions();
        int t0 = qb.starts()[b], t1 = qb.starts()[b + 1];
        int blockSize = cache.blockSize();
        int stride = s.fit(cache.pool().layout(), blockSize, headDim);
        int last = Math.min(positions[t1 - 1], (segment + 1) * SEGMENT - 1);
        for (int start = Math.max(segment * SEGMENT, cache.firstVisible(positions[t0])); start <= last; ) {
            int end = Math.min(last + 1, (start / blockSize + 1) * blockSize);
            int len = end - start;
            cache.readKeys(qb.layer(), kvHead, start, len, s.keys, stride, s.decoding);
            cache.readValues(qb.layer(), kvHead, start, len, s.values, s.decoding);
            for (int t = t0; t < t1; t++) {
                int lo = Math.max(start, cache.firstVisible(positions[t])) - start, hi = Math.min(end, positions[t] + 1) - start;
                if (lo >= hi) continue;
                for (int g = 0; g < group; g++) {
                    int h = kvHead * group + g;
                    addTile(qb.q(), t * qDim + h * headDim, states, first + (t - t0) * group + g, lo, hi, stride, s);
                }
            }
            start = end;
        }
    }

    /** Folds positions {@code [lo, hi)} of the decoded tile into the running state {@code state} of one query head. */
    private void addTile(float[] q, int qOffset, States states, int state, int lo, int hi, int stride, Scratch s) {
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
        float max = states.max[state], sum = states.sum[state];
        int acc = state * headDim;
        if (tileMax > max) {
            if (max != Float.NEGATIVE_INFINITY) {
                float correction = exp(max - tileMax);
                sum *= correction;
                for (int d = 0; d < headDim; d++) states.acc[acc + d] *= correction;
            }
            max = tileMax;
        }
        for (int j = 0; j < stride; j += LANES) {
            exp(FloatVector.fromArray(SPECIES, weights, j).sub(max)).intoArray(weights, j);
        }
        for (int j = lo; j < hi; j++) sum += weights[j];
        addWeighted(states.acc, acc, s.values, weights, lo, hi);
        states.max[state] = max;
        states.sum[state] = sum;
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

    /** {@link #exp(FloatVector)} of one value. */
    static float exp(float x) {
        return exp(FloatVector.broadcast(SPECIES, x)).lane(0);
    }

    /**
     * Online-softmax states of query heads: running maximum score, sum of exponentials and weighted sum of values. An
     * empty state has maximum -infinity.
     */
    private static final class States {
        float[] max = new float[0], sum = new float[0], acc = new float[0];

        void reset(int states, int headDim) {
            if (max.length < states) {
                max = new float[states];
                sum = new float[states];
                acc = new float[states * headDim];
            }
            Arrays.fill(max, 0, states, Float.NEGATIVE_INFINITY);
            Arrays.fill(sum, 0, states, 0f);
            Arrays.fill(acc, 0, states * headDim, 0f);
        }

        /** Adds the states {@code [first, first + count)} of {@code other} (over later positions) to states 0.. of this. */
        void merge(States other, int first, int count, int headDim) {
            for (int i = 0; i < count; i++) {
                int o = first + i;
                float m = max[i], om = other.max[o];
                if (om == Float.NEGATIVE_INFINITY) continue;
                if (m == Float.NEGATIVE_INFINITY) {
                    max[i] = om;
                    sum[i] = other.sum[o];
                    System.arraycopy(other.acc, o * headDim, acc, i * headDim, headDim);
                    continue;
                }
                float newMax = Math.max(m, om), a = exp(m - newMax), b = exp(om - newMax);
                max[i] = newMax;
                sum[i] = sum[i] * a + other.sum[o] * b;
                for (int d = 0; d < headDim; d++) acc[i * headDim + d] = acc[i * headDim + d] * a + other.acc[o * headDim + d] * b;
            }
        }

        /** Writes Σ weights · values / Σ weights of block b's query heads of {@code kvHead} to the output. */
        void writeOut(QueryBlocks qb, int b, int kvHead, Attention a) {
            for (int t = qb.starts()[b]; t < qb.starts()[b + 1]; t++) {
                for (int g = 0; g < a.group; g++) {
                    int state = (t - qb.starts()[b]) * a.group + g, out = t * a.qDim + (kvHead * a.group + g) * a.headDim;
                    for (int d = 0; d < a.headDim; d++) qb.out()[out + d] = acc[state * a.headDim + d] / sum[state];
                }
            }
        }
    }

    /** One thread's scratch space: a decoded tile of keys (transposed) and values, its scores, and softmax states. */
    private static final class Scratch {
        final States total = new States(), segment = new States();
        KvBlockLayout layout;
        KvBlockLayout.Scratch decoding;
        float[] keys = new float[0], values = new float[0], weights = new float[0];

        /** Makes room for tiles of {@code blockSize} positions of {@code layout}; returns the tile stride. */
        int fit(KvBlockLayout layout, int blockSize, int headDim) {
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
            return stride;
        }
    }
}
