package dev.jllm.rag.chunk;

import dev.jllm.api.EmbeddingModel;
import java.util.List;

/** The chunkers by name. */
public final class Chunkers {
    private Chunkers() {}

    public static final List<String> NAMES = List.of("recursive", "fixed", "sentence", "markdown", "semantic", "none");
    public static final String DEFAULT = "recursive";
    /** Semantic chunking breaks where neighbouring sentences are further apart than this share of all neighbours. */
    public static final double SEMANTIC_PERCENTILE = 90;

    /**
     * The chunker called {@code name}, making chunks of at most {@code size} tokens (as {@code tokenization} counts
     * them) with {@code overlap} tokens repeated; the semantic chunker embeds sentences with {@code embeddings}.
     */
    public static Chunker create(String name, int size, int overlap, Tokenization tokenization, EmbeddingModel embeddings) {
        return switch (name) {
            case "fixed" -> new FixedTokenChunker(size, overlap, tokenization);
            case "recursive" -> new RecursiveChunker(size, overlap, tokenization);
            case "sentence" -> new SentenceChunker(size, overlap, tokenization);
            case "markdown" -> new MarkdownHeadingChunker(size, overlap, tokenization);
            case "semantic" -> new SemanticChunker(size, SEMANTIC_PERCENTILE, tokenization, embeddings);
            case "none" -> new WholeTextChunker();
            default -> throw new IllegalArgumentException("unknown chunker '" + name + "'; choose one of " + String.join(", ", NAMES));
        };
    }

    static void checkSizes(int size, int overlap) {
        if (size < 1) throw new IllegalArgumentException("chunk size must be at least 1 token, got " + size);
        if (overlap < 0 || overlap >= size) throw new IllegalArgumentException("chunk overlap must be in 0.." + (size - 1) + ", got " + overlap);
    }
}
