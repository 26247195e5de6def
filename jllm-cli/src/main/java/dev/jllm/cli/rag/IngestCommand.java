package dev.jllm.cli.rag;

import dev.jllm.api.EmbeddingModel;
import dev.jllm.rag.embed.EmbeddingModels;
import dev.jllm.rag.ingest.IngestReport;
import dev.jllm.rag.ingest.Ingester;
import dev.jllm.rag.ingest.ProgressBar;
import dev.jllm.rag.store.EmbeddingStore;
import dev.jllm.rag.store.StoreSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `jllm rag ingest DIR --index PATH`: brings a folder's documents into an index, incrementally. */
@Command(name = "ingest", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Read the documents under DIR (.txt .md .html .pdf, and BEIR .jsonl corpora), chunk and embed "
                + "them, and store them in the index. Unchanged documents are skipped, changed ones replaced, deleted "
                + "ones removed. A document that cannot be read is reported and skipped.",
                "Exit code 0: every document ingested; 3: some failed (listed on stderr)."})
final class IngestCommand implements Callable<Integer> {
    static final int SOME_FAILED = 3;

    @Parameters(index = "0", paramLabel = "DIR", description = "Folder (or single file) to ingest")
    Path folder;

    @Mixin
    StoreOptions store;

    @Option(names = "--embedding", paramLabel = "MODEL",
            description = "all-minilm-l6-v2 (alias minilm), bge-small-en-v1.5-q (alias bge-small), or none for BM25 only (default: the index's model, for a new index all-minilm-l6-v2)")
    String embedding;

    @Mixin
    EmbeddingUrlOption embeddingUrl;

    @Mixin
    ChunkingOptions chunking;

    @Option(names = "--max-file-mb", paramLabel = "MB", description = "Largest file read (JSONL corpora are streamed and have no limit; default ${DEFAULT-VALUE})")
    double maxFileMb = 32;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (maxFileMb <= 0) throw new IllegalArgumentException("--max-file-mb must be positive, got " + maxFileMb);
        EmbeddingModel model = EmbeddingChoice.load(embeddingName(), embeddingUrl.url);
        try (EmbeddingStore target = store.openForWriting(EmbeddingChoice.settings(model))) {
            Ingester ingester = new Ingester(target, model, chunking.create(model), chunking.key(), (long) (maxFileMb * 1e6),
                    new ProgressBar(err, System.console() != null, "docs"));
            IngestReport r = ingester.ingest(folder);
            for (String failure : r.failures()) err.println("failed: " + failure);
            out.printf(Locale.ROOT, "%s -> %s: %d added, %d changed, %d unchanged, %d deleted, %d failed; %d chunks in %.1f s (%.1f docs/s); index holds %d chunks%n",
                    folder, store.describe(), r.added(), r.updated(), r.unchanged(), r.deleted(), r.failures().size(), r.chunks(),
                    r.seconds(), r.documentsPerSecond(), target.chunkCount());
            return r.failures().isEmpty() ? 0 : SOME_FAILED;
        } finally {
            EmbeddingChoice.close(model);
        }
    }

    /** The --embedding given, else the existing index's model, else the default. */
    private String embeddingName() {
        if (embedding != null) return embedding;
        StoreSettings existing = store.existingSettings();
        if (existing != null) return existing.hasVectors() ? existing.embeddingModel() : EmbeddingChoice.NONE;
        return EmbeddingModels.DEFAULT;
    }
}
