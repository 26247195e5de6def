package dev.jllm.cli.rag;

import dev.jllm.api.EmbeddingModel;
import dev.jllm.rag.chunk.Chunker;
import dev.jllm.rag.chunk.Chunkers;
import picocli.CommandLine.Option;

/** How documents are cut into chunks. */
final class ChunkingOptions {
    @Option(names = "--chunker", paramLabel = "NAME",
            description = "recursive, fixed, sentence, markdown, semantic or none (default ${DEFAULT-VALUE})")
    String chunker;

    @Option(names = "--chunk-size", paramLabel = "TOKENS", description = "Most tokens per chunk (default ${DEFAULT-VALUE})")
    int size = 256;

    @Option(names = "--chunk-overlap", paramLabel = "TOKENS",
            description = "Tokens a chunk repeats from the one before (fixed, recursive, sentence, markdown; default ${DEFAULT-VALUE})")
    int overlap = 32;

    ChunkingOptions() {
        this(Chunkers.DEFAULT);
    }

    ChunkingOptions(String defaultChunker) {
        chunker = defaultChunker;
    }

    Chunker create(EmbeddingModel model) {
        return Chunkers.create(chunker, size, overlap, EmbeddingChoice.tokenization(model), model);
    }

    /** The settings as they enter every content hash: other settings re-chunk every document. */
    String key() {
        return chunker + ":" + size + ":" + overlap;
    }
}
