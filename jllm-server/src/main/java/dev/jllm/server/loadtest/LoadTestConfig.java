package dev.jllm.server.loadtest;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * One load-test run against an OpenAI-compatible server.
 *
 * @param model         the model id to request; null asks the server's {@code /v1/models}
 * @param requests      requests to send (the run also ends when {@code duration} is over, if one is given)
 * @param promptTokens  about this many prompt tokens per request (words of a fixed list; the server's usage counts
 *                      the real number)
 * @param maxTokens     tokens to generate per request ({@code ignore_eos}, so each request generates all of them)
 * @param cancelRate    share of streams the client abandons part-way (closing the connection)
 * @param malformedRate share of requests that are deliberately invalid (each must get a 4xx, never a 5xx)
 * @param duration      run for at most this long; null for no limit
 */
public record LoadTestConfig(URI url, String model, int concurrency, int requests, int promptTokens, int maxTokens,
                             double cancelRate, double malformedRate, Duration duration, long seed) {
    public LoadTestConfig {
        Objects.requireNonNull(url, "url");
        if (concurrency < 1) throw new IllegalArgumentException("--concurrency must be at least 1, got " + concurrency);
        if (requests < 1) throw new IllegalArgumentException("--requests must be at least 1, got " + requests);
        if (promptTokens < 1) throw new IllegalArgumentException("--prompt-tokens must be at least 1, got " + promptTokens);
        if (maxTokens < 1) throw new IllegalArgumentException("--max-tokens must be at least 1, got " + maxTokens);
        if (!(cancelRate >= 0 && cancelRate <= 1)) throw new IllegalArgumentException("--cancel-rate must be in [0, 1], got " + cancelRate);
        if (!(malformedRate >= 0 && malformedRate <= 1)) throw new IllegalArgumentException("--malformed-rate must be in [0, 1], got " + malformedRate);
    }

    public LoadTestConfig withConcurrency(int c) {
        return new LoadTestConfig(url, model, c, requests, promptTokens, maxTokens, cancelRate, malformedRate, duration, seed);
    }

    public LoadTestConfig withModel(String m) {
        return new LoadTestConfig(url, m, concurrency, requests, promptTokens, maxTokens, cancelRate, malformedRate, duration, seed);
    }
}
