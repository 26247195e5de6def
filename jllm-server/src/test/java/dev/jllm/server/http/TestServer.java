package dev.jllm.server.http;

import dev.jllm.engine.model.Model;
import dev.jllm.server.ServingOptions;
import dev.jllm.server.runner.ModelRunner;
import dev.jllm.engine.runtime.KvType;
import dev.jllm.server.runner.BatchedModelRunner;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** A real server on an ephemeral loopback port, serving a model file; for tests with real HTTP clients. */
final class TestServer implements AutoCloseable {
    final Model model;
    final OpenAiServer server;
    final String name;
    final HttpClient http = HttpClient.newHttpClient();

    TestServer(Path modelFile, ServingOptions options) {
        this(modelFile, options, 1 << 20, Duration.ofMinutes(2));
    }

    TestServer(Path modelFile, ServingOptions options, long maxBody, Duration timeout) {
        this(modelFile, options, maxBody, timeout, UnaryOperator.identity());
    }

    /** A server whose batched runner is wrapped by {@code wrap} (to hold steps back in admission tests). */
    TestServer(Path modelFile, ServingOptions options, long maxBody, Duration timeout, UnaryOperator<ModelRunner> wrap) {
        this.name = options.name();
        this.model = Model.load(modelFile);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.server = new OpenAiServer(new OpenAiServer.Config("127.0.0.1", 0, maxBody, timeout), registry).start();
        ModelRunner runner = wrap.apply(new BatchedModelRunner(model, KvType.F32, options.blockSize(), options.blocks(model),
                options.context(model), options.stepTokens()));
        server.ready(options.serve(model, runner, registry));
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A sample value of a metric from /metrics, e.g. "jllm_kv_blocks_used". */
    double metric(String name) throws Exception {
        for (String line : get("/metrics").body().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        throw new AssertionError("no metric " + name);
    }

    @Override
    public void close() {
        server.stop(Duration.ofSeconds(5));
        model.close();
    }
}
