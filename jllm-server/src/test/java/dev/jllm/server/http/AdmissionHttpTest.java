package dev.jllm.server.http;

import static dev.jllm.server.http.RawHttpTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.engine.testing.SharedFiles;
import dev.jllm.server.ServingOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * 429 with Retry-After when the queue is full, 503 while loading and while shutting down, and cancellation when a
 * streaming client disconnects. The engine's steps are held back by a {@link GatedRunner}, so these states are
 * reached deterministically, not by racing the model.
 */
class AdmissionHttpTest {
    static final Path MODEL = SharedFiles.file("models/stories260K/stories260K.gguf");
    static final String LONG = "{\"prompt\":\"Once upon a time\",\"max_tokens\":200,\"ignore_eos\":true,\"temperature\":0}";

    private static TestServer gated(AtomicReference<GatedRunner> gate, int parallel, int maxWaiting) {
        return new TestServer(MODEL, new ServingOptions("stories260K", parallel, 256, 64, 16, 0, maxWaiting, null),
                1 << 20, Duration.ofMinutes(2), r -> {
                    GatedRunner g = new GatedRunner(r);
                    gate.set(g);
                    return g;
                });
    }

    private static CompletableFuture<HttpResponse<String>> postAsync(TestServer s, String body) {
        return s.http.sendAsync(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/v1/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aFullQueueAnswers429WithRetryAfter() throws Exception {
        AtomicReference<GatedRunner> gate = new AtomicReference<>();
        try (TestServer s = gated(gate, 1, 1)) {
            // the engine holds one running request and one waiting; the gate keeps both from finishing
            List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < 4; i++) sent.add(postAsync(s, LONG));
            List<HttpResponse<String>> refused = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> f : sent) {
                try {
                    refused.add(f.get(2, java.util.concurrent.TimeUnit.SECONDS));
                } catch (java.util.concurrent.TimeoutException stillRunning) {
                    // accepted: answered once the gate opens
                }
            }
            assertThat(refused).hasSizeGreaterThanOrEqualTo(2);
            for (HttpResponse<String> r : refused) {
                assertError(r, 429, null);
                assertThat(Integer.parseInt(r.headers().firstValue("Retry-After").orElseThrow())).isBetween(1, 60);
            }
            gate.get().open();
            for (CompletableFuture<HttpResponse<String>> f : sent) assertThat(f.get().statusCode()).isIn(200, 429);
            assertThat(sent.stream().filter(f -> f.join().statusCode() == 200).count()).isEqualTo(4 - refused.size());
        }
    }

    @Test
    void aLoadingServerAnswers503AndItsHealthIsNotReady() throws Exception {
        OpenAiServer server = new OpenAiServer(new OpenAiServer.Config("127.0.0.1", 0, 1 << 20, Duration.ofMinutes(1)),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(503);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertError(r, 503, null);
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
        } finally {
            server.stop(Duration.ZERO);
        }
    }

    @Test
    void shutdownRefusesNewWorkWith503AndFailsWhatCannotFinish() throws Exception {
        AtomicReference<GatedRunner> gate = new AtomicReference<>();
        TestServer s = gated(gate, 1, 4);
        CompletableFuture<HttpResponse<String>> inFlight = postAsync(s, LONG);
        waitFor(() -> s.metric("jllm_requests_running") == 1 || gate.get().permits.hasQueuedThreads());
        Thread stopper = Thread.ofVirtual().start(() -> s.server.stop(Duration.ZERO));
        waitFor(() -> s.get("/health").statusCode() == 503);
        assertError(s.post("/v1/completions", "{\"prompt\":\"x\"}"), 503, null);
        gate.get().open();
        HttpResponse<String> failed = inFlight.get();
        assertError(failed, 503, null);
        assertThat(failed.body()).contains("shutting_down");
        stopper.join();
        s.model.close();
    }

    @Test
    void aStreamingClientThatDisconnectsIsCancelledAndItsBlocksFreed() throws Exception {
        AtomicReference<GatedRunner> gate = new AtomicReference<>();
        try (TestServer s = gated(gate, 2, 4)) {
            HttpResponse<InputStream> r = s.http.send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/v1/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(LONG.replace("}", ",\"stream\":true}"))).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            gate.get().permits.release(3);
            InputStream body = r.body();
            java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(body, java.nio.charset.StandardCharsets.UTF_8));
            String line;
            do {
                line = lines.readLine();
            } while (line != null && !line.startsWith("data: "));
            assertThat(line).as("a first chunk").isNotNull();
            body.close();
            // one step per permit: the engine notices the closed connection at a write and cancels
            for (int i = 0; i < 150 && s.metric("jllm_kv_blocks_used") > 0; i++) {
                gate.get().permits.release();
                Thread.sleep(20);
            }
            assertThat(s.metric("jllm_kv_blocks_used")).isZero();
            assertThat(s.metric("jllm_requests_running")).isZero();
            assertThat(s.metric("jllm_generation_tokens_total")).as("cancelled long before its 200 tokens").isLessThan(160);
            gate.get().open();
        }
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(Check c) throws Exception {
        for (int i = 0; i < 500; i++) {
            if (c.ok()) return;
            Thread.sleep(10);
        }
        throw new AssertionError("condition not reached");
    }
}
