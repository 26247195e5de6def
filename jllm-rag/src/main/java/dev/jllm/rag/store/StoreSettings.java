package dev.jllm.rag.store;

import java.util.Objects;

/**
 * What an index was built with, checked whenever it is opened: vectors from one model cannot be searched with
 * another's. {@code dimension} 0 with model {@code none}: an index with text only (BM25).
 */
public record StoreSettings(String embeddingModel, int dimension) {
    public static final StoreSettings TEXT_ONLY = new StoreSettings("none", 0);

    public StoreSettings {
        Objects.requireNonNull(embeddingModel, "embedding model");
        if (dimension < 0) throw new IllegalArgumentException("negative dimension " + dimension);
    }

    public boolean hasVectors() {
        return dimension > 0;
    }

    /** Throws a clear error when an index built with {@code this} ({@code index} names it) is opened by a run that uses {@code wanted}. */
    public void requireCompatible(StoreSettings wanted, String index) {
        if (!equals(wanted)) {
            throw new IllegalArgumentException(index + " holds " + describe() + ", but this run uses "
                    + wanted.describe() + "; use another index or the same embedding model");
        }
    }

    public String describe() {
        return hasVectors() ? "embeddings of " + embeddingModel + " (" + dimension + " dimensions)" : "no embeddings (text only)";
    }
}
