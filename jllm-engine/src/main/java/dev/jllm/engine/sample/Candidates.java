package dev.jllm.engine.sample;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The tokens still in the running and their logits, as llama.cpp's {@code llama_token_data_array}: each filter of
 * the chain shrinks or reorders it. When {@link #sorted} is set the first entries are in descending logit order
 * (the lower id first among equal logits). Not thread-safe; scratch arrays are reused between calls.
 */
final class Candidates {
    /** Above this many unsorted candidates top-p first tries the best {@link #TOP_P_PREFIX} instead of a full sort. */
    private static final int TOP_P_ADAPTIVE_ABOVE = 1024;
    private static final int TOP_P_PREFIX = 256;

    final int[] ids;
    final float[] logits;
    int size;
    boolean sorted;

    private final float[] weights;
    private long[] keys = new long[0];
    private int[] restIds;

    Candidates(int capacity) {
        ids = new int[capacity];
        logits = new float[capacity];
        weights = new float[capacity];
    }

    /** Every token, in id order, with its logit. */
    void reset(float[] source) {
        for (int i = 0; i < source.length; i++) {
            ids[i] = i;
            logits[i] = source[i];
        }
        size = source.length;
        sorted = false;
    }

    /** Index of the largest logit; the first (lowest id, before any reordering) wins a tie. */
    int argmax() {
        int best = 0;
        for (int i = 1; i < size; i++) {
            if (logits[i] > logits[best]) best = i;
        }
        if (logits[best] == Float.NEGATIVE_INFINITY) {
            throw new IllegalStateException("no token can be sampled: every logit is -infinity");
        }
        return best;
    }

    /** Keeps the k most likely; {@code k <= 0} keeps all (llama_sampler_top_k). */
    void topK(int k) {
        if (k <= 0) return;
        k = Math.min(k, size);
        if (!sorted) sortPrefix(k);
        size = k;
    }

    /**
     * Keeps the most likely tokens until their probability, renormalized over the current candidates, reaches p;
     * the token that crosses p is kept (llama_sampler_top_p with min_keep 0).
     */
    void topP(float p) {
        if (p >= 1.0f) return;
        float max = maxLogit();
        float sum = 0;
        for (int i = 0; i < size; i++) sum += (float) Math.exp(logits[i] - max);
        int prefix = size;
        if (!sorted) {
            prefix = size > TOP_P_ADAPTIVE_ABOVE ? TOP_P_PREFIX : size;
            sortPrefix(prefix);
        }
        float cumulative = 0;
        for (int i = 0; i < size; i++) {
            if (i == prefix) { // the cheap prefix did not reach p: order the rest too
                sortPrefix(size);
                prefix = size;
            }
            cumulative += (float) Math.exp(logits[i] - max) / sum;
            if (cumulative >= p) {
                size = i + 1;
                break;
            }
        }
        sorted = true;
    }

    /** Drops tokens whose probability is below p times the largest (llama_sampler_min_p with min_keep 0). */
    void minP(float p) {
        if (p <= 0 || size == 0) return;
        float minLogit = maxLogit() + (float) Math.log(p);
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (logits[i] >= minLogit) {
                ids[kept] = ids[i];
                logits[kept] = logits[i];
                kept++;
            }
        }
        size = kept; // order is preserved, so a sorted array stays sorted
    }

    void temperature(float t) {
        for (int i = 0; i < size; i++) logits[i] /= t;
    }

    /** Probabilities of the candidates (softmax of their logits), in candidate order. */
    float[] probabilities() {
        float max = maxLogit();
        double sum = exponentiate(max);
        float[] p = new float[size];
        for (int i = 0; i < size; i++) p[i] = (float) (weights[i] / sum);
        return p;
    }

    /** Draws a candidate with probability softmax(logit) and returns its token id (llama_sampler_dist). */
    int draw(RandomGenerator random) {
        double sum = exponentiate(maxLogit());
        double target = sum * random.nextDouble();
        double running = 0;
        int last = 0;
        for (int i = 0; i < size; i++) {
            if (weights[i] == 0) continue;
            last = i;
            running += weights[i];
            if (running > target) return ids[i];
        }
        return ids[last]; // only reachable through rounding in the running sum
    }

    private float maxLogit() {
        float max = logits[0];
        if (!sorted) {
            for (int i = 1; i < size; i++) max = Math.max(max, logits[i]);
        }
        if (max == Float.NEGATIVE_INFINITY) {
            throw new IllegalStateException("no token can be sampled: every remaining logit is -infinity");
        }
        return max;
    }

    /** Fills {@link #weights} with exp(logit - max) and returns their sum (a numerically stable softmax). */
    private double exponentiate(float max) {
        double sum = 0;
        for (int i = 0; i < size; i++) {
            float w = (float) Math.exp(logits[i] - max);
            weights[i] = w;
            sum += w;
        }
        return sum;
    }

    /**
     * Moves the best {@code k} candidates to the front in descending order without sorting the whole array: a
     * bounded max-heap of order keys selects them in O(size log k). The others follow in their previous order.
     */
    private void sortPrefix(int k) {
        if (keys.length < k) keys = new long[Math.max(k, Math.min(size, 2 * keys.length))];
        long[] heap = keys;
        int heapSize = 0;
        for (int i = 0; i < size; i++) {
            long key = orderKey(logits[i], ids[i]);
            if (heapSize < k) {
                heap[heapSize] = key;
                siftUp(heap, heapSize++);
            } else if (key < heap[0]) {
                heap[0] = key;
                siftDown(heap, k);
            }
        }
        Arrays.sort(heap, 0, k);
        if (k < size) moveRestBehind(k, heap[k - 1]);
        for (int i = 0; i < k; i++) {
            ids[i] = idOf(heap[i]);
            logits[i] = logitOf(heap[i]);
        }
        sorted = true; // the first k are in order; top-p sorts the rest before it looks past them
    }

    /** Copies the candidates ordered after {@code worstKept} to positions k.., keeping their order. */
    private void moveRestBehind(int k, long worstKept) {
        if (restIds == null) restIds = new int[ids.length];
        int r = 0;
        for (int i = 0; i < size; i++) {
            if (orderKey(logits[i], ids[i]) > worstKept) {
                restIds[r] = ids[i];
                weights[r++] = logits[i]; // weights is free scratch here: it is refilled before every use
            }
        }
        System.arraycopy(restIds, 0, ids, k, r);
        System.arraycopy(weights, 0, logits, k, r);
    }

    /** A key whose ascending order is descending logit, then ascending id; it round-trips both exactly. */
    static long orderKey(float logit, int id) {
        int bits = Float.floatToRawIntBits(logit + 0.0f); // + 0.0f turns -0.0 into +0.0
        int monotone = bits ^ ((bits >> 31) & 0x7fffffff); // signed-int order equals float order
        return ((long) ~monotone << 32) | (id & 0xffffffffL);
    }

    static int idOf(long key) {
        return (int) key;
    }

    static float logitOf(long key) {
        int monotone = ~(int) (key >> 32);
        return Float.intBitsToFloat(monotone ^ ((monotone >> 31) & 0x7fffffff));
    }

    private static void siftUp(long[] heap, int i) {
        long x = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] >= x) break;
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = x;
    }

    private static void siftDown(long[] heap, int n) {
        long x = heap[0];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= n) break;
            if (child + 1 < n && heap[child + 1] > heap[child]) child++;
            if (x >= heap[child]) break;
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = x;
    }
}
