package dev.jllm.engine.tokenizer;

import java.util.Arrays;

/**
 * The work queue of candidate merges of adjacent symbols (llm_bigram_spm / llm_bigram_bpe queues): a binary min-heap
 * ordered by priority, then by the left symbol's index, as llama.cpp's comparators order them. Each entry also
 * carries the right symbol and the merged length, so a stale entry can be recognised when it is popped.
 */
final class MergeQueue {
    private long[] keys = new long[64]; // priority << 32 | left
    private int[] rights = new int[64];
    private int[] sizes = new int[64];
    private int n;

    private int left;
    private int right;
    private int size;

    void clear() {
        n = 0;
    }

    boolean isEmpty() {
        return n == 0;
    }

    /** Lower priorities pop first; on ties the lower left index. */
    void push(int priority, int left, int right, int size) {
        if (n == keys.length) {
            keys = Arrays.copyOf(keys, n * 2);
            rights = Arrays.copyOf(rights, n * 2);
            sizes = Arrays.copyOf(sizes, n * 2);
        }
        long key = ((long) priority << 32) | (left & 0xFFFFFFFFL);
        int i = n++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (keys[parent] <= key) break;
            move(parent, i);
            i = parent;
        }
        keys[i] = key;
        rights[i] = right;
        sizes[i] = size;
    }

    /** Removes the first entry; read it with {@link #left()}, {@link #right()}, {@link #size()}. */
    void pop() {
        long key = keys[0];
        left = (int) key;
        right = rights[0];
        size = sizes[0];
        n--;
        if (n == 0) return;
        long lastKey = keys[n];
        int lastRight = rights[n];
        int lastSize = sizes[n];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= n) break;
            if (child + 1 < n && keys[child + 1] < keys[child]) child++;
            if (keys[child] >= lastKey) break;
            move(child, i);
            i = child;
        }
        keys[i] = lastKey;
        rights[i] = lastRight;
        sizes[i] = lastSize;
    }

    private void move(int from, int to) {
        keys[to] = keys[from];
        rights[to] = rights[from];
        sizes[to] = sizes[from];
    }

    int left() {
        return left;
    }

    int right() {
        return right;
    }

    int size() {
        return size;
    }

    /** A priority that orders float scores highest first, for SentencePiece. */
    static int highestScoreFirst(float score) {
        if (score == 0f) score = 0f; // -0.0 ties with 0.0, as in C++
        int bits = Float.floatToIntBits(score);
        int ascending = bits ^ ((bits >> 31) & 0x7FFFFFFF); // orders like the float
        return ~ascending;
    }
}
