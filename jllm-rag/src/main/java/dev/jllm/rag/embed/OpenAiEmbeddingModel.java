package dev.jllm.rag.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jllm.api.EmbeddingModel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Embeddings from any OpenAI-compatible {@code /embeddings} endpoint (OpenAI, vLLM, llama-server, Ollama, TEI):
 * texts go in batches of {@value #BATCH}, vectors come back in input order. The base URL is the API root, as
 * OpenAI clients take it ({@code https://api.openai.com/v1}, {@code http://localhost:8000/v1}).
 */
public final class OpenAiEmbeddingModel implements EmbeddingModel {
    static final int BATCH = 64;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final String model;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private int dimension;

    /** @param apiKey sent as a bearer token; null for endpoints that want none */
    public OpenAiEmbeddingModel(String baseUrl, String model, String apiKey) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.endpoint = URI.create(base + "/embeddings");
        this.model = model;
        this.apiKey = apiKey;
    }

    @Override
    public String name() {
        return model;
    }

    @Override
    public synchronized int dimension() {
        if (dimension == 0) dimension = embed("dimension probe").length;
        return dimension;
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        List<float[]> out = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += BATCH) out.addAll(request(texts.subList(from, Math.min(texts.size(), from + BATCH))));
        return out;
    }

    private List<float[]> request(List<String> texts) {
        ObjectNode body = JSON.createObjectNode().put("model", model);
        texts.forEach(body.putArray("input")::add);
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (apiKey != null) request.header("Authorization", "Bearer " + apiKey);
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("embedding endpoint " + endpoint + " cannot be reached: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + endpoint, e);
        }
        if (response.statusCode() != 200) {
            String text = response.body().strip();
            throw new IllegalStateException("embedding endpoint " + endpoint + " answered " + response.statusCode() + ": "
                    + (text.length() > 300 ? text.substring(0, 300) + "..." : text));
        }
        return vectors(response.body(), texts.size());
    }

    private List<float[]> vectors(String body, int expected) {
        JsonNode data;
        try {
            data = JSON.readTree(body).path("data");
        } catch (IOException e) {
            throw new IllegalStateException("embedding endpoint " + endpoint + " answered with something that is not JSON", e);
        }
        if (!data.isArray() || data.size() != expected) {
            throw new IllegalStateException("embedding endpoint " + endpoint + " returned " + (data.isArray() ? data.size() : "no")
                    + " embeddings for " + expected + " inputs");
        }
        float[][] out = new float[expected][];
        for (int i = 0; i < expected; i++) {
            JsonNode item = data.get(i);
            int index = item.path("index").asInt(i);
            JsonNode embedding = item.path("embedding");
            if (index < 0 || index >= expected || !embedding.isArray()) {
                throw new IllegalStateException("embedding endpoint " + endpoint + " returned a malformed item " + i);
            }
            float[] v = new float[embedding.size()];
            for (int d = 0; d < v.length; d++) v[d] = (float) embedding.get(d).asDouble();
            out[index] = v;
        }
        return List.of(out);
    }
}
