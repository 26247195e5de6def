package dev.jllm.cli;

import dev.jllm.engine.sample.SamplingParams;
import picocli.CommandLine.Option;

/** Sampling options with llama.cpp's names and defaults. */
final class SamplingOptions {
    private static final SamplingParams D = SamplingParams.defaults();

    @Option(names = "--temp", paramLabel = "T", description = "Temperature; 0 = greedy (default " + 0.8 + ")")
    float temperature = D.temperature();

    @Option(names = "--top-k", paramLabel = "K", description = "Top-k; 0 = off (default " + 40 + ")")
    int topK = D.topK();

    @Option(names = "--top-p", paramLabel = "P", description = "Top-p (nucleus); 1 = off (default 0.95)")
    float topP = D.topP();

    @Option(names = "--min-p", paramLabel = "P", description = "Min-p; 0 = off (default 0.05)")
    float minP = D.minP();

    @Option(names = "--repeat-penalty", paramLabel = "X", description = "Repetition penalty; 1 = off (default 1)")
    float repeatPenalty = D.repeatPenalty();

    @Option(names = "--repeat-last-n", paramLabel = "N", description = "Tokens the penalties look back at; -1 = all (default 64)")
    int repeatLastN = D.repeatLastN();

    @Option(names = "--frequency-penalty", paramLabel = "X", description = "Frequency penalty (default 0)")
    float frequencyPenalty = D.frequencyPenalty();

    @Option(names = "--presence-penalty", paramLabel = "X", description = "Presence penalty (default 0)")
    float presencePenalty = D.presencePenalty();

    @Option(names = {"-s", "--seed"}, paramLabel = "S", description = "Seed; the same seed gives the same output (default random)")
    long seed = SamplingParams.RANDOM_SEED;

    SamplingParams params() {
        return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty,
                presencePenalty, seed);
    }
}
