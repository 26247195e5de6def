package dev.jllm.cli.rag;

import picocli.CommandLine.Option;

/** {@code --embedding-url}: embeddings from a remote OpenAI-compatible API instead of a built-in model. */
final class EmbeddingUrlOption {
    @Option(names = "--embedding-url", paramLabel = "URL",
            description = "Get embeddings from this OpenAI-compatible API (e.g. http://localhost:8000/v1; key from OPENAI_API_KEY) instead of a built-in model")
    String url;
}
