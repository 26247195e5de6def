package dev.jllm.engine.tokenizer;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The tokenizer families, named as {@code tokenizer.ggml.model} names them. */
public enum VocabType {
    /** SentencePiece BPE with scores and byte fallback (llm_tokenizer_spm). */
    SPM("llama"),
    /** Byte-level BPE with ranked merges and a regex pre-tokenizer (llm_tokenizer_bpe). */
    BPE("gpt2"),
    /** BERT WordPiece (llm_tokenizer_wpm). */
    WPM("bert");

    private final String ggufName;

    VocabType(String ggufName) {
        this.ggufName = ggufName;
    }

    public String ggufName() {
        return ggufName;
    }

    static VocabType ofGgufName(String name, String source) {
        for (VocabType t : values()) if (t.ggufName.equals(name)) return t;
        throw new TokenizerException(source + ": unsupported tokenizer.ggml.model '" + name + "'; supported: "
                + Arrays.stream(values()).map(t -> t.ggufName + " (" + t.description() + ")").collect(Collectors.joining(", ")));
    }

    private String description() {
        return switch (this) {
            case SPM -> "SentencePiece BPE";
            case BPE -> "byte-level BPE";
            case WPM -> "WordPiece";
        };
    }
}
