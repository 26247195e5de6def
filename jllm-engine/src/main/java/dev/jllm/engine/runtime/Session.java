package dev.jllm.engine.runtime;

import dev.jllm.engine.model.Model;
import java.util.Arrays;

/**
 * One sequence being run by a model: its KV cache (with a block pool of its own, which grows with the sequence up to
 * the context size) and the tokens the cache holds. Feeding a token list that starts with what the cache already
 * holds only runs the new tail, so a chat that re-renders the whole conversation each turn pays only for the new turn.
 */
public final class Session {
    /** Prompt tokens go through the weights in batches of this many (a matrix-matrix product per batch). */
    public static final int DEFAULT_BATCH = 512;

    private final Model model;
    private final ForwardPass forward;
    private final KvCache cache;
    /** The tokens at the cache's positions. */
    private int[] tokens = new int[64];

    /** A session with a float32 KV cache of {@code contextSize} positions (0: the model's context length). */
    public Session(Model model, int contextSize) {
        this(model, contextSize, KvType.F32);
    }

    /** A session with a KV cache of {@code contextSize} positions (0: the model's context length) of {@code kvType}. */
    public Session(Model model, int contextSize, KvType kvType) {
        this.model = model;
        int ctx = contextSize > 0 ? contextSize : model.config().contextLength();
        this.cache = new KvCache(model.config(), ctx, kvType);
        this.forward = new ForwardPass(model, Math.min(DEFAULT_BATCH, ctx));
    }

    public Model model() {
        return model;
    }

    public int contextSize() {
        return cache.capacity();
    }

    public KvCache cache() {
        return cache;
    }

    /** Number of tokens in the cache. */
    public int length() {
        return cache.length();
    }

    public int[] tokens() {
        return Arrays.copyOf(tokens, cache.length());
    }

    /**
     * Makes the cache hold exactly {@code sequence} and returns the logits after its last token. Only the part after
     * the longest common prefix with the current contents is computed (at least the last token).
     */
    public float[] feed(int[] sequence) {
        if (sequence.length == 0) throw new IllegalArgumentException("empty token sequence");
        int common = reusablePrefix(sequence);
        cache.truncate(common);
        return append(Arrays.copyOfRange(sequence, common, sequence.length));
    }

    /**
     * How many leading tokens of {@code sequence} {@link #feed} would keep from the cache: the common prefix with what
     * it holds, short of the last token (whose logits are wanted), or 0 where a sliding window dropped keys the rest
     * would need.
     */
    public int reusablePrefix(int[] sequence) {
        int common = 0;
        while (common < cache.length() && common < sequence.length && tokens[common] == sequence[common]) common++;
        common = Math.min(common, sequence.length - 1);
        return cache.canContinueAt(common) ? common : 0;
    }

    /** Runs {@code next} after the tokens already in the cache and returns the logits after the last one. */
    public float[] append(int... next) {
        int start = cache.length();
        float[] logits = forward.forward(cache, next, start);
        if (start + next.length > tokens.length) tokens = Arrays.copyOf(tokens, Math.max(tokens.length * 2, start + next.length));
        System.arraycopy(next, 0, tokens, start, next.length);
        return logits;
    }

    /** Forgets everything in the cache. */
    public void reset() {
        cache.release();
    }
}
