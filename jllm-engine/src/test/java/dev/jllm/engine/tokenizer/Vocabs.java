package dev.jllm.engine.tokenizer;

import dev.jllm.engine.gguf.GgufFile;
import dev.jllm.engine.gguf.GgufReader;
import dev.jllm.engine.testing.SharedFiles;
import dev.jllm.engine.testing.SyntheticModels;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Tokenizers of the shared vocabulary files, loaded once per test JVM. */
final class Vocabs {
    /** The Llama-3 style vocabulary (gpt2 / llama-bpe, 128256 tokens) of the synthetic 1b preset. */
    static final String LLAMA3 = "synthetic-llama3";

    private static final Map<String, Tokenizer> CACHE = new ConcurrentHashMap<>();

    private Vocabs() {}

    /** "llama-spm", "gpt-2", ... (models/vocab/ggml-vocab-NAME.gguf), or {@link #LLAMA3}. */
    static Tokenizer tokenizer(String name) {
        return CACHE.computeIfAbsent(name, n -> {
            Path p = n.equals(LLAMA3)
                    ? SyntheticModels.syntheticWithSha256("ac6c7354206b517b97767a9616d18eec90636bb5421a5ddc3400a2d6e6b4c420",
                            "--preset", "1b", "--dim", "64", "--layers", "1", "--heads", "2", "--kv-heads", "1", "--ffn", "64",
                            "--ctx", "512", "--type", "F32")
                    : SharedFiles.file("models/vocab/ggml-vocab-" + n + ".gguf");
            try (GgufFile f = GgufReader.open(p)) {
                return Tokenizer.fromGguf(f);
            }
        });
    }
}
