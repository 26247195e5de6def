package dev.jllm.cli.rag;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jllm.api.EmbeddingModel;
import dev.jllm.rag.embed.EmbeddingModels;
import dev.jllm.rag.eval.BeirQueries;
import dev.jllm.rag.eval.Qrels;
import dev.jllm.rag.eval.RetrievalEvaluation;
import dev.jllm.rag.eval.RetrievalMetrics;
import dev.jllm.rag.ingest.IngestReport;
import dev.jllm.rag.ingest.Ingester;
import dev.jllm.rag.ingest.ProgressBar;
import dev.jllm.rag.retrieve.SearchMode;
import dev.jllm.rag.store.EmbeddingStore;
import dev.jllm.rag.store.StoreSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `jllm rag eval`: nDCG@10, Recall@100, MRR@10 and MAP of a search setup on a BEIR collection. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Index a BEIR corpus, run every judged query, and score the rankings as trec_eval does: "
                + "nDCG@10 (graded gains), Recall@100, MRR@10, MAP (over the top " + RetrievalEvaluation.DEPTH + ").",
                "Without --index or --solr the corpus is indexed into a temporary folder; with them it is kept and "
                + "reused (unchanged documents are not embedded again)."})
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--corpus", required = true, paramLabel = "FILE", description = "BEIR corpus.jsonl ({_id, title, text} per line)")
    Path corpus;

    @Option(names = "--queries", required = true, paramLabel = "FILE", description = "BEIR queries.jsonl ({_id, text} per line)")
    Path queries;

    @Option(names = "--qrels", required = true, paramLabel = "FILE", description = "Judgments: BEIR TSV (query-id, corpus-id, score) or TREC qrels")
    Path qrels;

    @ArgGroup(exclusive = true)
    StoreOptions.Where where;

    @Option(names = "--embedding", paramLabel = "MODEL",
            description = "Embedding model (default: the index's, else all-minilm-l6-v2; a bm25 run without --index embeds nothing)")
    String embedding;

    @Mixin
    EmbeddingUrlOption embeddingUrl;

    @Mixin
    ChunkingOptions chunking = new ChunkingOptions("none");

    @Mixin
    SearchOptions search;

    @Option(names = "--json", description = "Print one JSON object with the keys ndcg@10, recall@100, mrr@10, map (and the setup)")
    boolean json;

    @Option(names = "--per-query", description = "Also give each query's metrics (a table, or per_query in the JSON)")
    boolean perQuery;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, String> queryTexts = BeirQueries.read(queries);
        Map<String, Map<String, Integer>> judgments = Qrels.read(qrels);
        StoreOptions target = new StoreOptions();
        target.where = where != null ? where : new StoreOptions.Where();
        Path temporary = where == null ? Files.createTempDirectory("jllm-eval-index") : null;
        if (temporary != null) target.where.index = temporary;
        EmbeddingModel model = EmbeddingChoice.load(embeddingName(target, temporary != null), embeddingUrl.url);
        try (EmbeddingStore store = target.openForWriting(EmbeddingChoice.settings(model))) {
            err.println("indexing " + corpus + " (" + store.settings().describe() + ", chunker " + chunking.key() + ")");
            IngestReport ingest = new Ingester(store, model, chunking.create(model), chunking.key(), Long.MAX_VALUE,
                    new ProgressBar(err, System.console() != null, "docs")).ingest(corpus);
            if (!ingest.failures().isEmpty()) {
                ingest.failures().forEach(f -> err.println("failed: " + f));
                throw new IllegalArgumentException(ingest.failures().size() + " corpus documents could not be read");
            }
            err.printf(Locale.ROOT, "indexed: %d added, %d changed, %d unchanged in %.1f s (%.1f docs/s)%n", ingest.added(),
                    ingest.updated(), ingest.unchanged(), ingest.seconds(), ingest.documentsPerSecond());
            err.println("searching: " + search.describe(model));
            RetrievalEvaluation.Result result;
            try {
                result = RetrievalEvaluation.evaluate(search.pipeline(store, model, search.reranker(model)), queryTexts, judgments,
                        RetrievalEvaluation.DEPTH, new ProgressBar(err, System.console() != null, "queries"));
            } finally {
                search.close();
            }
            if (json) out.println(SearchCommand.JSON.writeValueAsString(json(result, model, ingest)));
            else table(out, result, model);
        } finally {
            EmbeddingChoice.close(model);
            if (temporary != null) delete(temporary);
        }
        return 0;
    }

    private String embeddingName(StoreOptions target, boolean temporary) {
        if (embedding != null) return embedding;
        StoreSettings existing = temporary ? null : target.existingSettings();
        if (existing != null) return existing.hasVectors() ? existing.embeddingModel() : EmbeddingChoice.NONE;
        boolean bm25Only = search.mode != null && SearchMode.parse(search.mode) == SearchMode.BM25 && search.rerank.equals("none");
        return bm25Only && temporary ? EmbeddingChoice.NONE : EmbeddingModels.DEFAULT;
    }

    private ObjectNode json(RetrievalEvaluation.Result r, EmbeddingModel model, IngestReport ingest) {
        ObjectNode o = SearchCommand.JSON.createObjectNode();
        metrics(o, r.mean());
        o.put("queries", r.queries()).put("mode", search.describe(model)).put("embedding", model == null ? EmbeddingChoice.NONE : model.name())
                .put("chunker", chunking.key()).put("documents_ingested", ingest.added() + ingest.updated())
                .put("ingest_seconds", ingest.seconds()).put("ingest_docs_per_second", ingest.documentsPerSecond())
                .put("search_seconds", r.seconds());
        if (perQuery) {
            ArrayNode rows = o.putArray("per_query");
            for (var q : r.perQuery()) metrics(rows.addObject().put("query_id", q.queryId()), q.metrics());
        }
        return o;
    }

    private static void metrics(ObjectNode o, RetrievalMetrics m) {
        o.put("ndcg@10", m.ndcgAt10()).put("recall@100", m.recallAt100()).put("mrr@10", m.mrrAt10()).put("map", m.averagePrecision());
    }

    private void table(PrintWriter out, RetrievalEvaluation.Result r, EmbeddingModel model) {
        out.printf(Locale.ROOT, "%d queries, %s, embedding %s, chunker %s%n", r.queries(), search.describe(model),
                model == null ? EmbeddingChoice.NONE : model.name(), chunking.key());
        if (perQuery) {
            out.println("| query | nDCG@10 | Recall@100 | MRR@10 | AP |");
            out.println("| ----- | ------: | ---------: | -----: | -: |");
            for (var q : r.perQuery()) row(out, q.queryId(), q.metrics());
        }
        out.println("| metric | value |");
        out.println("| ------ | ----: |");
        RetrievalMetrics m = r.mean();
        out.printf(Locale.ROOT, "| nDCG@10 | %.4f |%n| Recall@100 | %.4f |%n| MRR@10 | %.4f |%n| MAP | %.4f |%n",
                m.ndcgAt10(), m.recallAt100(), m.mrrAt10(), m.averagePrecision());
    }

    private static void row(PrintWriter out, String id, RetrievalMetrics m) {
        out.printf(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %.4f |%n", id, m.ndcgAt10(), m.recallAt100(), m.mrrAt10(), m.averagePrecision());
    }

    private static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the temporary index " + dir, e);
        }
    }
}
