package dev.jllm.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jllm.rag.chunk.Chunkers;
import dev.jllm.rag.embed.EmbeddingModels;
import dev.jllm.rag.embed.OnnxBertEmbeddingModel;
import dev.jllm.rag.store.LuceneEmbeddingStore;
import dev.jllm.rag.store.StoreSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RAG endpoints on a real server on an ephemeral port, with a Lucene index and all-MiniLM-L6-v2. */
class RagEndpointsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path tmp;
    static OnnxBertEmbeddingModel model;
    static LuceneEmbeddingStore store;
    static OpenAiServer server;

    @BeforeAll
    static void start() {
        model = EmbeddingModels.load("minilm");
        store = LuceneEmbeddingStore.openForWriting(tmp.resolve("index"), new StoreSettings(model.name(), model.dimension()));
        RagEndpoints rag = new RagEndpoints(store, model, Chunkers.create("recursive", 256, 32, model.tokenization(), model), "recursive:256:32", 1 << 20);
        server = new OpenAiServer(new OpenAiServer.Config("127.0.0.1", 0, 1 << 20, Duration.ofSeconds(60)),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), rag).start();
    }

    @AfterAll
    static void stop() {
        server.close();
        store.close();
        model.close();
    }

    static HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode ok(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void documentsPostedAreSearchedAnsweredFromAndDeleted() throws Exception {
        String docs = """
                {"documents": [
                  {"id": "tower", "title": "Eiffel Tower", "text": "The Eiffel Tower was completed in 1889. It stands in Paris.", "metadata": {"lang": "en"}},
                  {"id": "everest", "text": "Mount Everest's summit is 8,849 metres above sea level."},
                  {"id": "plants", "text": "Photosynthesis in plants releases oxygen into the air."}
                ]}""";
        JsonNode added = ok(send("POST", "/v1/rag/documents", docs));
        assertThat(added.get("added").asInt()).isEqualTo(3);
        assertThat(ok(send("POST", "/v1/rag/documents", docs)).get("unchanged").asInt()).isEqualTo(3);

        JsonNode hits = ok(send("POST", "/v1/rag/search", "{\"query\": \"how high is Everest\", \"k\": 2}"));
        assertThat(hits.get("data")).hasSize(2);
        assertThat(hits.get("data").get(0).get("document_id").asText()).isEqualTo("everest");
        JsonNode filtered = ok(send("POST", "/v1/rag/search", "{\"query\": \"Paris\", \"mode\": \"bm25\", \"filter\": \"lang=en\"}"));
        assertThat(filtered.get("data")).hasSize(1);
        assertThat(filtered.get("data").get(0).get("metadata").get("lang").asText()).isEqualTo("en");

        JsonNode answer = ok(send("POST", "/v1/rag/ask", "{\"question\": \"When was the Eiffel Tower completed?\", \"sentences\": 1}"));
        assertThat(answer.get("answer").asText()).isEqualTo("The Eiffel Tower was completed in 1889. [1]");
        assertThat(answer.get("sources").get(0).get("label").asText()).isEqualTo("tower");
        JsonNode refusal = ok(send("POST", "/v1/rag/ask", "{\"question\": \"What is a good lasagne recipe?\"}"));
        assertThat(refusal.get("refused").asBoolean()).isTrue();

        ok(send("DELETE", "/v1/rag/documents/plants", null));
        assertThat(ok(send("POST", "/v1/rag/search", "{\"query\": \"photosynthesis oxygen\", \"mode\": \"bm25\"}")).get("data")).isEmpty();
    }

    @Test
    void badRequestsAreOpenAiShapedErrorsNamingTheField() throws Exception {
        HttpResponse<String> noQuery = send("POST", "/v1/rag/search", "{\"k\": 3}");
        assertThat(noQuery.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noQuery.body()).get("error").get("param").asText()).isEqualTo("query");
        HttpResponse<String> badK = send("POST", "/v1/rag/search", "{\"query\": \"x\", \"k\": 0}");
        assertThat(JSON.readTree(badK.body()).get("error").get("message").asText()).isEqualTo("'k' must be in [1, 100], got 0");
        HttpResponse<String> badMode = send("POST", "/v1/rag/search", "{\"query\": \"x\", \"mode\": \"sparse\"}");
        assertThat(JSON.readTree(badMode.body()).get("error").get("message").asText()).isEqualTo("unknown search mode 'sparse'; choose bm25, dense or hybrid");
        HttpResponse<String> badDoc = send("POST", "/v1/rag/documents", "{\"documents\": [{\"id\": \"x\"}]}");
        assertThat(badDoc.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badDoc.body()).get("error").get("param").asText()).isEqualTo("documents[0].text");
        assertThat(send("POST", "/v1/rag/ask", "not json").statusCode()).isEqualTo(400);
    }
}
