package dev.jllm.cli.rag;

import dev.jllm.api.EmbeddingModel;
import dev.jllm.rag.embed.EmbeddingModels;
import dev.jllm.rag.store.LuceneEmbeddingStore;
import dev.jllm.rag.store.StoreSettings;
import dev.jllm.server.http.RagEndpoints;
import java.nio.file.Path;

/** The index `jllm serve --rag-index` opens for its RAG endpoints, with the embedding model it was built with. */
public final class RagIndex implements AutoCloseable {
    private final LuceneEmbeddingStore store;
    private final EmbeddingModel model;
    private final RagEndpoints endpoints;

    private RagIndex(LuceneEmbeddingStore store, EmbeddingModel model, long maxBodyBytes) {
        this.store = store;
        this.model = model;
        ChunkingOptions chunking = new ChunkingOptions();
        this.endpoints = new RagEndpoints(store, model, chunking.create(model), chunking.key(), maxBodyBytes);
    }

    /** Opens (or creates, with the default embedding model) the index at {@code path} for writing. */
    public static RagIndex open(Path path, long maxBodyBytes) {
        StoreOptions where = new StoreOptions();
        where.where = new StoreOptions.Where();
        where.where.index = path;
        StoreSettings existing = where.existingSettings();
        EmbeddingModel model = existing == null ? EmbeddingModels.load(EmbeddingModels.DEFAULT) : EmbeddingChoice.forIndex(existing, null);
        return new RagIndex(LuceneEmbeddingStore.openForWriting(path, EmbeddingChoice.settings(model)), model, maxBodyBytes);
    }

    public RagEndpoints endpoints() {
        return endpoints;
    }

    @Override
    public void close() {
        store.close();
        EmbeddingChoice.close(model);
    }
}
