package dev.jllm.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jllm.api.EmbeddingModel;
import dev.jllm.rag.answer.Answer;
import dev.jllm.rag.answer.ExtractiveAnswerer;
import dev.jllm.rag.answer.RelevanceGate;
import dev.jllm.rag.chunk.Chunker;
import dev.jllm.rag.document.Document;
import dev.jllm.rag.ingest.IngestReport;
import dev.jllm.rag.ingest.Ingester;
import dev.jllm.rag.ingest.Progress;
import dev.jllm.rag.retrieve.ConvexFusion;
import dev.jllm.rag.retrieve.HybridRetriever;
import dev.jllm.rag.retrieve.SearchMode;
import dev.jllm.rag.retrieve.SearchPipeline;
import dev.jllm.rag.store.EmbeddingStore;
import dev.jllm.rag.store.Filter;
import dev.jllm.rag.store.ScoredChunk;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Retrieval-augmented generation over HTTP, on one index (a collection): {@code POST /v1/rag/documents} adds or
 * replaces documents ({@code {"documents": [{"id", "title", "text", "metadata"}]}}, unchanged ones skipped by
 * their content hash), {@code DELETE /v1/rag/documents/{id}} removes one, {@code POST /v1/rag/search} returns the
 * best chunks ({@code {"query", "k", "mode", "filter"}}), and {@code POST /v1/rag/ask} answers with numbered,
 * cited sources ({@code {"question", "k", "min_similarity", "sentences"}}; extractive, or a refusal when nothing
 * retrieved is relevant). Bad input is a 400 in OpenAI's error shape naming the field.
 */
public final class RagEndpoints {
    static final Set<String> PATHS = Set.of("/v1/rag/documents", "/v1/rag/search", "/v1/rag/ask");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_K = 100;

    private final EmbeddingStore store;
    private final EmbeddingModel embeddings;
    private final Ingester ingester;
    private final long maxBodyBytes;

    /**
     * @param embeddings the store's embedding model (null for a text-only store: BM25 search only)
     * @param chunking   the chunker's settings as text (part of every content hash)
     */
    public RagEndpoints(EmbeddingStore store, EmbeddingModel embeddings, Chunker chunker, String chunking, long maxBodyBytes) {
        this.store = store;
        this.embeddings = embeddings;
        this.ingester = new Ingester(store, embeddings, chunker, chunking, Long.MAX_VALUE, Progress.NONE);
        this.maxBodyBytes = maxBodyBytes;
    }

    void register(RoutesConfig routes) {
        routes.post("/v1/rag/documents", this::ingest);
        routes.delete("/v1/rag/documents/{id}", this::delete);
        routes.post("/v1/rag/search", this::search);
        routes.post("/v1/rag/ask", this::ask);
    }

    private void ingest(Context ctx) throws IOException {
        JsonBody body = new JsonBody(CompletionEndpoint.readJson(ctx, maxBodyBytes));
        JsonNode list = body.raw("documents");
        if (list == null || !list.isArray() || list.isEmpty()) throw ApiError.invalid("documents", "'documents' must be a non-empty array");
        List<Document> documents = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) documents.add(document(list.get(i), "documents[" + i + "]"));
        IngestReport r;
        synchronized (ingester) {
            r = ingester.ingestDocuments(documents);
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("added", r.added()).put("updated", r.updated())
                .put("unchanged", r.unchanged()).put("chunks", r.chunks());
        r.failures().forEach(out.putArray("failed")::add);
        json(ctx, out);
    }

    private static Document document(JsonNode node, String where) {
        if (node == null || !node.isObject()) throw ApiError.invalid(where, "'" + where + "' must be an object {id, title, text, metadata}");
        JsonNode id = node.get("id"), text = node.get("text"), title = node.get("title"), metadata = node.get("metadata");
        if (id == null || !id.isTextual() || id.asText().isBlank()) throw ApiError.invalid(where + ".id", "'" + where + ".id' must be a non-empty string");
        if (text == null || !text.isTextual() || text.asText().isBlank()) throw ApiError.invalid(where + ".text", "'" + where + ".text' must be a non-empty string");
        if (title != null && !title.isNull() && !title.isTextual()) throw ApiError.invalid(where + ".title", "'" + where + ".title' must be a string");
        Map<String, String> meta = new HashMap<>();
        if (metadata != null && !metadata.isNull()) {
            if (!metadata.isObject()) throw ApiError.invalid(where + ".metadata", "'" + where + ".metadata' must be an object of strings");
            metadata.properties().forEach(e -> {
                if (!e.getValue().isTextual()) throw ApiError.invalid(where + ".metadata", "'" + where + ".metadata." + e.getKey() + "' must be a string");
                meta.put(e.getKey(), e.getValue().asText());
            });
        }
        meta.putIfAbsent("type", "api");
        return new Document(id.asText(), title == null || title.isNull() ? "" : title.asText(),
                List.of(new Document.Section(text.asText(), Map.of())), meta);
    }

    private void delete(Context ctx) {
        String id = ctx.pathParam("id");
        synchronized (ingester) {
            store.deleteSource(Ingester.apiSource(id));
            store.commit();
        }
        json(ctx, JsonNodeFactory.instance.objectNode().put("id", id).put("deleted", true));
    }

    private void search(Context ctx) throws IOException {
        JsonBody body = new JsonBody(CompletionEndpoint.readJson(ctx, maxBodyBytes));
        String query = required(body, "query");
        int k = body.integer("k", 1, MAX_K).orElse(5L).intValue();
        List<ScoredChunk> hits = pipeline(body).retrieve(query, k, filter(body));
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        for (int i = 0; i < hits.size(); i++) data.add(hit(i + 1, hits.get(i)));
        json(ctx, out);
    }

    private void ask(Context ctx) throws IOException {
        JsonBody body = new JsonBody(CompletionEndpoint.readJson(ctx, maxBodyBytes));
        String question = required(body, "question");
        int k = body.integer("k", 1, MAX_K).orElse(5L).intValue();
        double minSimilarity = body.number("min_similarity", -1, 1).orElse(RelevanceGate.DEFAULT_MIN_SIMILARITY);
        int sentences = body.integer("sentences", 1, 20).orElse(3L).intValue();
        List<ScoredChunk> hits = pipeline(body).retrieve(question, k, filter(body));
        List<ScoredChunk> relevant = new RelevanceGate(embeddings, minSimilarity).relevant(question, hits);
        Answer a = relevant.isEmpty() ? Answer.refusal() : new ExtractiveAnswerer(embeddings, sentences).answer(question, relevant);
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("answer", a.text()).put("refused", a.refused());
        a.cited().forEach(out.putArray("cited")::add);
        ArrayNode sources = out.putArray("sources");
        for (Answer.Source s : a.sources()) sources.add(hit(s.number(), s.hit()).put("label", s.label()));
        json(ctx, out);
    }

    private static String required(JsonBody body, String name) {
        String v = body.string(name).orElseThrow(() -> ApiError.invalid(name, "'" + name + "' is required"));
        if (v.isBlank()) throw ApiError.invalid(name, "'" + name + "' must not be blank");
        return v;
    }

    private SearchPipeline pipeline(JsonBody body) {
        SearchMode mode;
        try {
            mode = body.string("mode").map(SearchMode::parse).orElse(embeddings == null ? SearchMode.BM25 : SearchMode.HYBRID);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid("mode", e.getMessage());
        }
        if (mode != SearchMode.BM25 && embeddings == null) throw ApiError.invalid("mode", "this index holds no embeddings; only bm25 search is possible");
        return SearchPipeline.of(store, embeddings, mode, ConvexFusion.lexicalDense(0.5), HybridRetriever.DEFAULT_CANDIDATES, null, 0, null);
    }

    private static Filter filter(JsonBody body) {
        try {
            return body.string("filter").map(Filter::parse).orElse(null);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid("filter", e.getMessage());
        }
    }

    private static ObjectNode hit(int rank, ScoredChunk h) {
        var c = h.chunk();
        ObjectNode o = JsonNodeFactory.instance.objectNode().put("rank", rank).put("score", h.score()).put("id", c.id())
                .put("document_id", c.documentId()).put("title", c.title()).put("text", c.text());
        ObjectNode meta = o.putObject("metadata");
        c.metadata().forEach(meta::put);
        return o;
    }

    private static void json(Context ctx, ObjectNode out) {
        try {
            ctx.contentType("application/json").result(JSON.writeValueAsString(out));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
