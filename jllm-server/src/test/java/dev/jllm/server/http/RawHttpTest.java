package dev.jllm.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jllm.engine.model.Model;
import dev.jllm.engine.runtime.Generator;
import dev.jllm.engine.runtime.Session;
import dev.jllm.engine.sample.SamplingParams;
import dev.jllm.engine.testing.SharedFiles;
import dev.jllm.server.ServingOptions;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The wire format and every error status, with a plain HTTP client against a real server serving stories260K. */
class RawHttpTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer(SharedFiles.file("models/stories260K/stories260K.gguf"),
                new ServingOptions("stories260K", 2, 256, 64, 16, 0, 2, null), 4096, java.time.Duration.ofMinutes(2));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    static void assertError(HttpResponse<String> r, int status, String param) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode e = json(r).get("error");
        assertThat(e).as(r.body()).isNotNull();
        assertThat(e.get("message").asText()).isNotBlank();
        assertThat(e.has("type") && e.has("param") && e.has("code")).isTrue();
        if (param != null) assertThat(e.get("param").asText()).isEqualTo(param);
    }

    private static Generator.Result greedy(String prompt, int n) {
        Model m = server.model;
        return new Generator(new Session(m, 256)).generate(m.tokenizer().encode(prompt, true, true),
                new Generator.Options(SamplingParams.greedy(), n, false, List.of()), s -> {});
    }

    @Test
    void completionMatchesTheGeneratorAndCountsUsage() throws Exception {
        HttpResponse<String> r = server.post("/v1/completions",
                "{\"model\":\"stories260K\",\"prompt\":\"Once upon a time\",\"max_tokens\":20,\"temperature\":0}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = json(r);
        Generator.Result expected = greedy("Once upon a time", 20);
        assertThat(body.get("object").asText()).isEqualTo("text_completion");
        assertThat(body.at("/choices/0/text").asText()).isEqualTo(expected.text());
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(body.at("/usage/prompt_tokens").asInt()).isEqualTo(expected.promptIds().length);
        assertThat(body.at("/usage/completion_tokens").asInt()).isEqualTo(20);
        assertThat(body.at("/usage/total_tokens").asInt()).isEqualTo(20 + expected.promptIds().length);
    }

    @Test
    void streamedChunksAddUpToTheCompleteAnswerAndEndWithDone() throws Exception {
        String req = "{\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story\"}],\"max_tokens\":24,\"temperature\":0,"
                + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
        HttpResponse<String> r = server.post("/v1/chat/completions", req);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        List<String> events = List.of(r.body().split("\n\n"));
        assertThat(events.getLast()).isEqualTo("data: [DONE]");
        StringBuilder text = new StringBuilder();
        String finish = null;
        JsonNode usage = null;
        for (String e : events.subList(0, events.size() - 1)) {
            if (e.startsWith(":")) continue;
            JsonNode chunk = JSON.readTree(e.substring("data: ".length()));
            assertThat(chunk.get("object").asText()).isEqualTo("chat.completion.chunk");
            if (chunk.get("choices").isEmpty()) {
                usage = chunk.get("usage");
                continue;
            }
            JsonNode c = chunk.at("/choices/0");
            if (c.at("/delta/content").isTextual()) text.append(c.at("/delta/content").asText());
            if (!c.get("finish_reason").isNull()) finish = c.get("finish_reason").asText();
        }
        JsonNode whole = json(server.post("/v1/chat/completions", req.replace("\"stream\":true,", "")));
        assertThat(text.toString()).isEqualTo(whole.at("/choices/0/message/content").asText()).isNotEmpty();
        assertThat(finish).isEqualTo(whole.at("/choices/0/finish_reason").asText());
        assertThat(usage).isEqualTo(whole.get("usage"));
    }

    @Test
    void stopStringsEndTheTextWithFinishReasonStop() throws Exception {
        Generator.Result full = greedy("Once upon a time", 60);
        int at = full.text().indexOf("Lily");
        assertThat(at).isPositive();
        JsonNode body = json(server.post("/v1/completions",
                "{\"prompt\":\"Once upon a time\",\"max_tokens\":60,\"temperature\":0,\"stop\":[\"Lily\",\"zzz\"]}"));
        assertThat(body.at("/choices/0/text").asText()).isEqualTo(full.text().substring(0, at));
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void nChoicesWithASeedAreReproducibleAndDistinct() throws Exception {
        String req = "{\"prompt\":\"Once upon a time\",\"max_tokens\":16,\"temperature\":1,\"seed\":7,\"n\":2}";
        JsonNode a = json(server.post("/v1/completions", req));
        JsonNode b = json(server.post("/v1/completions", req));
        assertThat(a.get("choices")).hasSize(2);
        assertThat(a.get("choices")).isEqualTo(b.get("choices"));
        assertThat(a.at("/choices/0/text")).isNotEqualTo(a.at("/choices/1/text"));
        assertThat(a.at("/usage/completion_tokens").asInt()).isEqualTo(32);
    }

    @Test
    void logprobsInBothShapes() throws Exception {
        JsonNode chat = json(server.post("/v1/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":3,\"temperature\":0,\"logprobs\":true,\"top_logprobs\":2}"));
        JsonNode content = chat.at("/choices/0/logprobs/content");
        assertThat(content).hasSize(3);
        assertThat(content.get(0).get("top_logprobs")).hasSize(2);
        assertThat(content.get(0).get("logprob").asDouble()).isLessThanOrEqualTo(0)
                .isEqualTo(content.get(0).at("/top_logprobs/0/logprob").asDouble());
        JsonNode text = json(server.post("/v1/completions", "{\"prompt\":\"Hi\",\"max_tokens\":3,\"temperature\":0,\"logprobs\":2}"));
        assertThat(text.at("/choices/0/logprobs/tokens")).hasSize(3);
        assertThat(text.at("/choices/0/logprobs/top_logprobs/0").size()).isEqualTo(2);
        assertThat(text.at("/choices/0/logprobs/text_offset/0").asInt()).isZero();
    }

    @Test
    void modelsHealthAndMetrics() throws Exception {
        JsonNode models = json(server.get("/v1/models"));
        assertThat(models.at("/data/0/id").asText()).isEqualTo("stories260K");
        assertThat(server.get("/health").statusCode()).isEqualTo(200);
        String metrics = server.get("/metrics").body();
        assertThat(metrics).contains("jllm_requests_running", "jllm_requests_waiting", "jllm_kv_blocks_used",
                "jllm_kv_blocks_free", "jllm_time_to_first_token_seconds_bucket", "jllm_inter_token_latency_seconds_bucket",
                "jllm_prompt_tokens_total", "jllm_generation_tokens_total", "jllm_prefix_cache_hit_rate", "jllm_preemptions_total");
    }

    @Test
    void badRequestsGet400NamingTheProblem() throws Exception {
        assertError(server.post("/v1/completions", "{not json"), 400, null);
        assertError(server.post("/v1/completions", "{\"prompt\":\"x\"} trailing"), 400, null);
        assertError(server.post("/v1/completions", "[1,2]"), 400, null);
        assertError(server.post("/v1/completions", ""), 400, null);
        assertError(server.post("/v1/completions", "{\"prompt\":\"x\",\"max_tokens\":\"ten\"}"), 400, "max_tokens");
        assertError(server.post("/v1/completions", "{\"prompt\":\"x\",\"max_tokens\":1.5}"), 400, "max_tokens");
        assertError(server.post("/v1/completions", "{\"prompt\":\"x\",\"max_tokens\":0}"), 400, "max_tokens");
        assertError(server.post("/v1/completions", "{\"prompt\":\"x\",\"temperature\":3}"), 400, "temperature");
        assertError(server.post("/v1/completions", "{\"prompt\":\"x\",\"top_p\":\"high\"}"), 400, "top_p");
        assertError(server.post("/v1/completions", "{\"prompt\":\"x\",\"stop\":[1]}"), 400, "stop");
        assertError(server.post("/v1/completions", "{\"prompt\":\"x\",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}"), 400, "stop");
        assertError(server.post("/v1/completions", "{\"prompt\":\"x\",\"n\":0}"), 400, "n");
        assertError(server.post("/v1/completions", "{\"prompt\":\"x\",\"n\":3}"), 400, "n");
        assertError(server.post("/v1/completions", "{\"prompt\":\"x\",\"stream\":\"yes\"}"), 400, "stream");
        assertError(server.post("/v1/completions", "{\"prompt\":\"x\",\"stream_options\":5}"), 400, "stream_options");
        assertError(server.post("/v1/completions", "{\"prompt\":{\"a\":1}}"), 400, "prompt");
        assertError(server.post("/v1/completions", "{\"prompt\":[1,99999]}"), 400, "prompt");
        assertError(server.post("/v1/completions", "{\"prompt\":[\"a\",\"b\"]}"), 400, "prompt");
        assertError(server.post("/v1/completions", "{}"), 400, "prompt");
        assertError(server.post("/v1/completions", "{\"prompt\":\"x\",\"logprobs\":9}"), 400, "logprobs");
        assertError(server.post("/v1/chat/completions", "{\"messages\":[]}"), 400, "messages");
        assertError(server.post("/v1/chat/completions", "{\"messages\":\"hi\"}"), 400, "messages");
        assertError(server.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}"), 400, "messages[0].role");
        assertError(server.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]}"), 400, "messages[0].content");
        assertError(server.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"top_logprobs\":2}"), 400, "top_logprobs");
        assertError(server.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tools\":[{\"type\":\"function\"}]}"), 400, "tools");
        assertError(server.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"response_format\":{\"type\":\"json_object\"}}"), 400, "response_format");
    }

    @Test
    void aPromptLongerThanTheContextGets400() throws Exception {
        String longPrompt = "Once upon a time ".repeat(100);
        HttpResponse<String> r = server.post("/v1/completions", "{\"prompt\":\"" + longPrompt + "\"}");
        assertError(r, 400, "prompt");
        assertThat(json(r).at("/error/message").asText()).contains("maximum context length is 256");
        assertError(server.post("/v1/completions", "{\"prompt\":\"Once\",\"max_tokens\":300}"), 400, "prompt");
    }

    @Test
    void unknownModelsAndRoutesGet404() throws Exception {
        HttpResponse<String> r = server.post("/v1/completions", "{\"model\":\"gpt-9\",\"prompt\":\"x\"}");
        assertError(r, 404, null);
        assertThat(json(r).at("/error/code").asText()).isEqualTo("model_not_found");
        assertError(server.get("/v1/nothing"), 404, null);
    }

    @Test
    void aBodyOverTheLimitGets413() throws Exception {
        String big = "{\"prompt\":\"" + "a".repeat(5000) + "\"}";
        assertError(server.post("/v1/completions", big), 413, null);
    }
}
