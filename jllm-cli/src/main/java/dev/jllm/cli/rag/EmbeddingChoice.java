package dev.jllm.cli.rag;

import dev.jllm.api.EmbeddingModel;
import dev.jllm.rag.chunk.Tokenization;
import dev.jllm.rag.chunk.WordTokenization;
import dev.jllm.rag.embed.EmbeddingModels;
import dev.jllm.rag.embed.OnnxBertEmbeddingModel;
import dev.jllm.rag.embed.OpenAiEmbeddingModel;
import dev.jllm.rag.store.StoreSettings;

/** Loads the embedding model an index was or will be built with; "none" means a text-only (BM25) index. */
final class EmbeddingChoice {
    static final String NONE = "none";

    private EmbeddingChoice() {}

    /**
     * The model called {@code name}: a built-in one, or with {@code url} the model of that name behind an
     * OpenAI-compatible endpoint (its key from {@code OPENAI_API_KEY}); null for {@value #NONE}.
     */
    static EmbeddingModel load(String name, String url) {
        if (name.equals(NONE)) return null;
        return url != null ? new OpenAiEmbeddingModel(url, name, System.getenv("OPENAI_API_KEY")) : EmbeddingModels.load(name);
    }

    /** The model whose vectors an index holds (null for a text-only index). */
    static EmbeddingModel forIndex(StoreSettings settings, String url) {
        return settings.hasVectors() ? load(settings.embeddingModel(), url) : null;
    }

    static StoreSettings settings(EmbeddingModel model) {
        return model == null ? StoreSettings.TEXT_ONLY : new StoreSettings(model.name(), model.dimension());
    }

    /** Chunks are measured in the model's own tokens when it has a tokenizer, else in words and symbols. */
    static Tokenization tokenization(EmbeddingModel model) {
        return model instanceof OnnxBertEmbeddingModel onnx ? onnx.tokenization() : new WordTokenization();
    }

    static void close(EmbeddingModel model) {
        if (model instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
