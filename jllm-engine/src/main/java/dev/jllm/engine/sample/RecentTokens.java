package dev.jllm.engine.sample;

/**
 * The last {@code window} accepted tokens (all of them when the window is -1) and how often each occurs among them:
 * the history that llama.cpp's penalties sampler keeps in a ring buffer.
 */
final class RecentTokens {
    private final int window;
    private final int[] counts;
    private int[] ring;
    private int head;
    private int size;

    RecentTokens(int window, int vocabSize) {
        this.window = window;
        this.counts = new int[vocabSize];
        this.ring = new int[window > 0 ? window : 64];
    }

    void accept(int token) {
        counts[token]++;
        if (size == window) { // full: the oldest token leaves the window
            counts[ring[head]]--;
            ring[head] = token;
            head = (head + 1) % window;
            return;
        }
        if (size == ring.length) ring = java.util.Arrays.copyOf(ring, 2 * size); // unbounded window, head stays 0
        ring[(head + size) % ring.length] = token;
        size++;
    }

    /**
     * Applies repeat, frequency and presence penalties to {@code logits} (indexed by token id) once for every
     * distinct token in the window, exactly as llama_sampler_penalties_apply does.
     */
    void penalize(float[] logits, float repeat, float frequency, float presence) {
        for (int i = 0; i < size; i++) {
            int token = ring[(head + i) % ring.length];
            int count = counts[token];
            if (count <= 0) continue; // already penalized: its count is negated until the loop ends
            float logit = logits[token];
            logit = logit <= 0 ? logit * repeat : logit / repeat;
            logits[token] = logit - ((float) count * frequency + presence);
            counts[token] = -count;
        }
        for (int i = 0; i < size; i++) {
            int token = ring[(head + i) % ring.length];
            counts[token] = Math.abs(counts[token]);
        }
    }
}
