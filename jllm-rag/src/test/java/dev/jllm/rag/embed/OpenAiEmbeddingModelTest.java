package dev.jllm.rag.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAI-compatible client against a real {@code /v1/embeddings} endpoint on loopback that serves
 * all-MiniLM-L6-v2: the vectors that come over HTTP must be the local model's.
 */
class OpenAiEmbeddingModelTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static OnnxBertEmbeddingModel model;
    static HttpServer server;
    static final List<Integer> batchSizes = new ArrayList<>();
    static String base;

    @BeforeAll
    static void serve() throws IOException {
        model = EmbeddingModels.load("minilm");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/embeddings", OpenAiEmbeddingModelTest::embeddings);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    @AfterAll
    static void stop() {
        server.stop(0);
        model.close();
    }

    /** OpenAI's /v1/embeddings: {model, input: [...]} in, {data: [{index, embedding}]} out; data listed in reverse. */
    static void embeddings(HttpExchange exchange) throws IOException {
        JsonNode request = JSON.readTree(exchange.getRequestBody());
        if (!"Bearer secret".equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            reply(exchange, 401, "{\"error\": {\"message\": \"Incorrect API key provided\"}}");
            return;
        }
        List<String> input = new ArrayList<>();
        request.get("input").forEach(t -> input.add(t.asText()));
        batchSizes.add(input.size());
        List<float[]> vectors = model.embedAll(input);
        ObjectNode response = JSON.createObjectNode().put("object", "list").put("model", request.get("model").asText());
        ArrayNode data = response.putArray("data");
        for (int i = input.size() - 1; i >= 0; i--) {
            ArrayNode embedding = data.addObject().put("object", "embedding").put("index", i).putArray("embedding");
            for (float x : vectors.get(i)) embedding.add(x);
        }
        reply(exchange, 200, response.toString());
    }

    static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Test
    void vectorsComeBackInInputOrderInBatches() {
        OpenAiEmbeddingModel remote = new OpenAiEmbeddingModel(base, "all-MiniLM-L6-v2", "secret");
        List<String> texts = IntStream.range(0, 70).mapToObj(i -> "Sentence number " + i + " about topic " + (i % 5) + ".").toList();
        batchSizes.clear();
        List<float[]> got = remote.embedAll(texts);
        assertThat(batchSizes).containsExactly(64, 6);
        List<float[]> local = model.embedAll(texts);
        for (int i = 0; i < texts.size(); i++) assertThat(got.get(i)).containsExactly(local.get(i));
        assertThat(remote.dimension()).isEqualTo(384);
        assertThat(remote.name()).isEqualTo("all-MiniLM-L6-v2");
    }

    @Test
    void refusalsAndUnreachableEndpointsAreClearErrors() {
        assertThatThrownBy(() -> new OpenAiEmbeddingModel(base + "/", "m", "wrong").embed("x"))
                .hasMessage("embedding endpoint " + base + "/embeddings answered 401: {\"error\": {\"message\": \"Incorrect API key provided\"}}");
        assertThatThrownBy(() -> new OpenAiEmbeddingModel("http://127.0.0.1:1/v1", "m", null).embed("x"))
                .hasMessageStartingWith("embedding endpoint http://127.0.0.1:1/v1/embeddings cannot be reached: ");
    }
}
