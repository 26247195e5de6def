package dev.jllm.cli.rag;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jllm.api.EmbeddingModel;
import dev.jllm.rag.store.EmbeddingStore;
import dev.jllm.rag.store.ScoredChunk;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `jllm rag search "query"`: the best chunks for a query. */
@Command(name = "search", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Print the chunks of the index that best match the query.")
final class SearchCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "QUERY")
    String query;

    @Mixin
    StoreOptions store;

    @Option(names = "-k", paramLabel = "K", description = "How many chunks (default ${DEFAULT-VALUE})")
    int k = 5;

    @Mixin
    EmbeddingUrlOption embeddingUrl;

    @Mixin
    SearchOptions search;

    @Option(names = "--json", description = "Print one JSON object: {query, mode, results: [{rank, score, id, document_id, source, title, text, metadata}]}")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (k < 1) throw new IllegalArgumentException("-k must be at least 1, got " + k);
        PrintWriter out = spec.commandLine().getOut();
        try (EmbeddingStore index = store.openForReading()) {
            EmbeddingModel model = EmbeddingChoice.forIndex(index.settings(), embeddingUrl.url);
            try {
                List<ScoredChunk> hits = search.pipeline(index, model, search.reranker(model)).retrieve(query, k, search.filter());
                if (json) out.println(JSON.writeValueAsString(json(query, search.describe(model), hits)));
                else print(out, hits);
            } finally {
                search.close();
                EmbeddingChoice.close(model);
            }
        }
        return 0;
    }

    static ObjectNode json(String query, String mode, List<ScoredChunk> hits) {
        ObjectNode root = JSON.createObjectNode().put("query", query).put("mode", mode);
        ArrayNode results = root.putArray("results");
        for (int i = 0; i < hits.size(); i++) results.add(hit(i + 1, hits.get(i)));
        return root;
    }

    static ObjectNode hit(int rank, ScoredChunk h) {
        var c = h.chunk();
        ObjectNode o = JSON.createObjectNode().put("rank", rank).put("score", h.score()).put("id", c.id())
                .put("document_id", c.documentId()).put("source", c.source()).put("title", c.title()).put("text", c.text());
        ObjectNode meta = o.putObject("metadata");
        c.metadata().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> meta.put(e.getKey(), e.getValue()));
        return o;
    }

    private static void print(PrintWriter out, List<ScoredChunk> hits) {
        if (hits.isEmpty()) out.println("no matches");
        for (int i = 0; i < hits.size(); i++) {
            var c = hits.get(i).chunk();
            String where = c.documentId() + (c.metadata().containsKey("page") ? " page " + c.metadata().get("page") : "")
                    + (c.metadata().containsKey("headings") ? " > " + c.metadata().get("headings") : "");
            out.printf(Locale.ROOT, "%d. [%.4f] %s%s%n", i + 1, hits.get(i).score(), where,
                    c.title().isEmpty() || c.title().equals(c.documentId()) ? "" : "  \"" + c.title() + "\"");
            out.println("   " + snippet(c.text(), 300));
        }
    }

    static String snippet(String text, int max) {
        String s = text.replaceAll("\\s+", " ").strip();
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
