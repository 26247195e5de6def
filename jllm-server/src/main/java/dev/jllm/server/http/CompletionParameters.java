package dev.jllm.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jllm.engine.runtime.Generator;
import dev.jllm.engine.sample.SamplingParams;
import dev.jllm.server.serving.GenerationRequest;
import java.util.List;

/**
 * The generation parameters both completion endpoints share, read and checked from the request body with OpenAI's
 * names, ranges and defaults (temperature 1, no top-k, top-p 1, no min-p), plus the extensions vLLM and llama-server
 * accept: {@code top_k}, {@code min_p}, {@code repetition_penalty}, {@code ignore_eos}.
 *
 * @param maxTokens   the most tokens per choice; -1 until the context is full
 * @param topLogprobs -1 for no log-probabilities, else how many alternatives per token
 */
record CompletionParameters(String model, int maxTokens, SamplingParams sampling, List<String> stop, int choices,
                            boolean ignoreEos, int topLogprobs, boolean stream, boolean includeUsage) {
    static final int MAX_CHOICES = 128;
    static final int MAX_STOP_STRINGS = 4;

    static CompletionParameters parse(JsonBody b, boolean chat) {
        String model = b.string("model").orElse(null);
        rejectUnsupported(b, chat);
        long maxTokens = (chat && b.has("max_completion_tokens")
                ? b.integer("max_completion_tokens", 1, Integer.MAX_VALUE)
                : b.integer("max_tokens", 1, Integer.MAX_VALUE)).orElse(-1L);
        double temperature = b.number("temperature", 0, 2).orElse(1.0);
        double topP = b.number("top_p", 0, 1).orElse(1.0);
        long topK = b.integer("top_k", -1, Integer.MAX_VALUE).orElse(0L);
        double minP = b.number("min_p", 0, 1).orElse(0.0);
        double presence = b.number("presence_penalty", -2, 2).orElse(0.0);
        double frequency = b.number("frequency_penalty", -2, 2).orElse(0.0);
        double repetition = b.number("repetition_penalty", 0, 2).orElse(1.0);
        if (repetition == 0) throw ApiError.invalid("repetition_penalty", "'repetition_penalty' must be greater than 0");
        long seed = b.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE).orElse(SamplingParams.RANDOM_SEED);
        List<String> stop = b.strings("stop", MAX_STOP_STRINGS);
        int n = b.integer("n", 1, MAX_CHOICES).orElse(1L).intValue();
        boolean ignoreEos = b.bool("ignore_eos").orElse(false);
        int topLogprobs = chat ? chatLogprobs(b) : b.integer("logprobs", 0, 5).map(Long::intValue).orElse(-1);
        boolean stream = b.bool("stream").orElse(false);
        boolean includeUsage = false;
        JsonNode options = b.raw("stream_options");
        if (options != null) {
            JsonBody o = new JsonBody(requireObject(options, "stream_options"));
            includeUsage = o.bool("include_usage").orElse(false);
        }
        // penalties look at the whole sequence so far (-1), as OpenAI's look at all of the output
        SamplingParams sampling = new SamplingParams((float) temperature, (int) Math.max(0, topK), (float) topP,
                (float) minP, (float) repetition, -1, (float) frequency, (float) presence, seed);
        return new CompletionParameters(model, (int) maxTokens, sampling, stop, n, ignoreEos, topLogprobs, stream, includeUsage);
    }

    private static int chatLogprobs(JsonBody b) {
        boolean logprobs = b.bool("logprobs").orElse(false);
        Long top = b.integer("top_logprobs", 0, GenerationRequest.MAX_TOP_LOGPROBS).orElse(null);
        if (top != null && !logprobs) throw ApiError.invalid("top_logprobs", "'top_logprobs' needs 'logprobs' set to true");
        return logprobs ? (top == null ? 0 : top.intValue()) : -1;
    }

    private static JsonNode requireObject(JsonNode v, String name) {
        if (!v.isObject()) throw ApiError.invalid(name, "'" + name + "' must be an object, got " + JsonBody.kind(v));
        return v;
    }

    /** Features whose absence would silently change the answer get a clear 400 rather than being ignored. */
    private static void rejectUnsupported(JsonBody b, boolean chat) {
        for (String name : List.of("tools", "functions", "logit_bias")) {
            JsonNode v = b.raw(name);
            if (v != null && !v.isEmpty()) throw ApiError.invalid(name, "'" + name + "' is not supported by this server");
        }
        JsonNode format = b.raw("response_format");
        if (format != null) {
            JsonNode type = requireObject(format, "response_format").get("type");
            if (type != null && !"text".equals(type.asText())) {
                throw ApiError.invalid("response_format", "response_format type '" + type.asText() + "' is not supported; only 'text'");
            }
        }
        if (!chat) {
            if (b.bool("echo").orElse(false)) throw ApiError.invalid("echo", "'echo' is not supported by this server");
            if (b.string("suffix").isPresent()) throw ApiError.invalid("suffix", "'suffix' is not supported by this server");
            long bestOf = b.integer("best_of", 1, MAX_CHOICES).orElse(1L);
            if (bestOf > b.integer("n", 1, MAX_CHOICES).orElse(1L)) {
                throw ApiError.invalid("best_of", "'best_of' greater than 'n' is not supported by this server");
            }
        }
    }

    Generator.Options options() {
        return new Generator.Options(sampling, maxTokens, ignoreEos, stop);
    }
}
