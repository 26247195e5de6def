package dev.jllm.engine.sample;

/**
 * How the next token is chosen from the logits, with the meaning and defaults of llama.cpp's common sampler
 * ({@code common_params_sampling}): penalties, then top-k, top-p, min-p, temperature, then a draw from the
 * distribution.
 *
 * @param temperature      divides the logits before the draw; {@code <= 0} means greedy (argmax, lower id wins a tie)
 * @param topK             keep the k most likely tokens; {@code <= 0} keeps the whole vocabulary
 * @param topP             keep the smallest set of most likely tokens whose probability reaches p; {@code 1} is off
 * @param minP             drop tokens less likely than {@code minP} times the most likely one; {@code 0} is off
 * @param repeatPenalty    divides positive (multiplies non-positive) logits of recent tokens; {@code 1} is off
 * @param repeatLastN      how many recent tokens the penalties look at; {@code 0} disables them, {@code -1} means all
 * @param frequencyPenalty subtracted once per occurrence of a token among the recent ones
 * @param presencePenalty  subtracted once from every token that occurs among the recent ones
 * @param seed             seed of the draw; the same seed gives the same tokens; {@link #RANDOM_SEED} picks one at random
 */
public record SamplingParams(
        float temperature,
        int topK,
        float topP,
        float minP,
        float repeatPenalty,
        int repeatLastN,
        float frequencyPenalty,
        float presencePenalty,
        long seed) {

    /** The seed value that asks for a fresh random seed (llama.cpp's {@code LLAMA_DEFAULT_SEED} plays this role). */
    public static final long RANDOM_SEED = -1;

    private static final SamplingParams DEFAULTS = new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1.0f, 64, 0f, 0f, RANDOM_SEED);

    public SamplingParams {
        if (Float.isNaN(temperature)) throw new IllegalArgumentException("temperature is NaN");
        if (!(topP >= 0 && topP <= 1)) throw new IllegalArgumentException("top_p must be in [0, 1], got " + topP);
        if (!(minP >= 0 && minP <= 1)) throw new IllegalArgumentException("min_p must be in [0, 1], got " + minP);
        if (!(repeatPenalty > 0) || Float.isInfinite(repeatPenalty)) {
            throw new IllegalArgumentException("repeat_penalty must be a positive number, got " + repeatPenalty);
        }
        if (repeatLastN < -1) throw new IllegalArgumentException("repeat_last_n must be >= -1, got " + repeatLastN);
        if (!Float.isFinite(frequencyPenalty)) {
            throw new IllegalArgumentException("frequency_penalty must be finite, got " + frequencyPenalty);
        }
        if (!Float.isFinite(presencePenalty)) {
            throw new IllegalArgumentException("presence_penalty must be finite, got " + presencePenalty);
        }
    }

    /** llama.cpp's defaults: temperature 0.8, top-k 40, top-p 0.95, min-p 0.05, no penalties, a random seed. */
    public static SamplingParams defaults() {
        return DEFAULTS;
    }

    /** Argmax of the raw logits. */
    public static SamplingParams greedy() {
        return DEFAULTS.withTemperature(0);
    }

    public boolean isGreedy() {
        return temperature <= 0;
    }

    boolean penalizes() {
        return repeatLastN != 0 && (repeatPenalty != 1 || frequencyPenalty != 0 || presencePenalty != 0);
    }

    public SamplingParams withTemperature(float v) {
        return new SamplingParams(v, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, seed);
    }

    public SamplingParams withTopK(int v) {
        return new SamplingParams(temperature, v, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, seed);
    }

    public SamplingParams withTopP(float v) {
        return new SamplingParams(temperature, topK, v, minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, seed);
    }

    public SamplingParams withMinP(float v) {
        return new SamplingParams(temperature, topK, topP, v, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, seed);
    }

    public SamplingParams withRepeatPenalty(float v) {
        return new SamplingParams(temperature, topK, topP, minP, v, repeatLastN, frequencyPenalty, presencePenalty, seed);
    }

    public SamplingParams withRepeatLastN(int v) {
        return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, v, frequencyPenalty, presencePenalty, seed);
    }

    public SamplingParams withFrequencyPenalty(float v) {
        return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, v, presencePenalty, seed);
    }

    public SamplingParams withPresencePenalty(float v) {
        return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty, v, seed);
    }

    public SamplingParams withSeed(long v) {
        return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, v);
    }
}
