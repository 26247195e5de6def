package dev.jllm.rag.ingest;

import dev.jllm.rag.chunk.Chunkers;
import dev.jllm.rag.embed.EmbeddingModels;
import dev.jllm.rag.embed.OnnxBertEmbeddingModel;
import dev.jllm.rag.store.LuceneEmbeddingStore;
import dev.jllm.rag.store.StoreSettings;
import java.nio.file.Path;

/** An ingest run in a child JVM for {@link IngestKillTest}, which kills it part-way: index folder, corpus file. */
public final class KilledIngest {
    private KilledIngest() {}

    public static void main(String[] args) {
        try (OnnxBertEmbeddingModel model = EmbeddingModels.load("minilm");
             LuceneEmbeddingStore store = LuceneEmbeddingStore.openForWriting(Path.of(args[0]), new StoreSettings(model.name(), model.dimension()))) {
            new Ingester(store, model, Chunkers.create("recursive", 16, 0, model.tokenization(), model), IngestKillTest.CHUNKING,
                    10_000_000, Progress.NONE, 10).ingest(Path.of(args[1]));
        }
    }
}
