package dev.jllm.engine.sample;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Chooses the next token of one sequence from the model's logits with llama.cpp's default sampler chain:
 * penalties, top-k, top-p, min-p, temperature, then a draw from the remaining distribution. A temperature
 * {@code <= 0} is greedy: the argmax of the (penalized) logits, the lower id winning a tie.
 *
 * <p>Each sequence needs its own sampler: it holds the random generator (a fixed seed replays the same tokens) and
 * the history the penalties look at. Feed it every token of the sequence, prompt included, through
 * {@link #accept}. Not thread-safe.
 */
public final class Sampler {
    private final SamplingParams params;
    private final int vocabSize;
    private final SplittableRandom random;
    private final RecentTokens recent;
    private final Candidates candidates;

    public Sampler(SamplingParams params, int vocabSize) {
        this.params = Objects.requireNonNull(params, "sampling params");
        if (vocabSize <= 0) throw new IllegalArgumentException("vocabulary size must be positive, got " + vocabSize);
        this.vocabSize = vocabSize;
        this.random = params.seed() == SamplingParams.RANDOM_SEED
                ? new SplittableRandom()
                : new SplittableRandom(params.seed());
        this.recent = params.penalizes() ? new RecentTokens(params.repeatLastN(), vocabSize) : null;
        this.candidates = new Candidates(vocabSize);
    }

    public SamplingParams params() {
        return params;
    }

    /** Chooses the next token. {@code logits} is read, never modified; it must hold one value per token. */
    public int sample(float[] logits) {
        filter(logits);
        if (params.isGreedy()) return candidates.ids[candidates.argmax()];
        return candidates.draw(random);
    }

    /** Records a token of the sequence (prompt or generated) for the penalties. */
    public void accept(int token) {
        if (token < 0 || token >= vocabSize) {
            throw new IllegalArgumentException("token id " + token + " is outside the vocabulary [0, " + vocabSize + ")");
        }
        if (recent != null) recent.accept(token);
    }

    /**
     * The distribution the next draw is taken from, over the whole vocabulary (zero for filtered tokens). For a
     * greedy sampler it is one-hot on the argmax.
     */
    float[] distribution(float[] logits) {
        filter(logits);
        float[] full = new float[vocabSize];
        if (params.isGreedy()) {
            full[candidates.ids[candidates.argmax()]] = 1;
            return full;
        }
        float[] p = candidates.probabilities();
        for (int i = 0; i < candidates.size; i++) full[candidates.ids[i]] = p[i];
        return full;
    }

    /** Loads the logits and applies every step of the chain but the final choice. */
    private void filter(float[] logits) {
        Objects.requireNonNull(logits, "logits");
        if (logits.length != vocabSize) {
            throw new IllegalArgumentException("expected " + vocabSize + " logits, got " + logits.length);
        }
        for (int i = 0; i < logits.length; i++) {
            float v = logits[i];
            if (Float.isNaN(v) || v == Float.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("logit of token " + i + " is " + v + "; logits must be finite or -infinity");
            }
        }
        candidates.reset(logits);
        if (recent != null) {
            recent.penalize(candidates.logits, params.repeatPenalty(), params.frequencyPenalty(), params.presencePenalty());
        }
        if (params.isGreedy()) return; // no filter can remove the argmax, so none is needed
        candidates.topK(params.topK());
        candidates.topP(params.topP());
        candidates.minP(params.minP());
        candidates.temperature(params.temperature());
    }
}
