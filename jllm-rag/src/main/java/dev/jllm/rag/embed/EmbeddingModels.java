package dev.jllm.rag.embed;

import dev.jllm.rag.embed.OnnxBertEmbeddingModel.Pooling;
import dev.jllm.rag.embed.OnnxBertEmbeddingModel.Spec;
import java.util.List;
import java.util.Locale;

/** The embedding models that arrive with the build, by name. */
public final class EmbeddingModels {
    private EmbeddingModels() {}

    /** all-MiniLM-L6-v2 (sentence-transformers): mean pooling, 256 tokens, 384 dimensions. The default. */
    public static final Spec ALL_MINILM_L6_V2 = new Spec("all-minilm-l6-v2", "all-minilm-l6-v2.onnx",
            "all-minilm-l6-v2-tokenizer.json", Pooling.MEAN, 256, "", 32);

    /**
     * BAAI bge-small-en-v1.5, int8-quantized ONNX: [CLS] pooling, 512 tokens, its retrieval query instruction. One text
     * per run: the graph quantizes activations with one scale per tensor, so a batch (and its padding) would change
     * every text's vector.
     */
    public static final Spec BGE_SMALL_EN_V15_Q = new Spec("bge-small-en-v1.5-q", "bge-small-en-v1.5-q.onnx",
            "bge-small-en-v1.5-q-tokenizer.json", Pooling.CLS, 512,
            "Represent this sentence for searching relevant passages: ", 1);

    public static final String DEFAULT = ALL_MINILM_L6_V2.name();

    public static List<String> names() {
        return List.of(ALL_MINILM_L6_V2.name(), BGE_SMALL_EN_V15_Q.name());
    }

    /** The spec for a name or a short alias ({@code minilm}, {@code bge-small}). */
    public static Spec spec(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "all-minilm-l6-v2", "minilm" -> ALL_MINILM_L6_V2;
            case "bge-small-en-v1.5-q", "bge-small-en-v1.5", "bge-small", "bge" -> BGE_SMALL_EN_V15_Q;
            default -> throw new IllegalArgumentException("unknown embedding model '" + name + "'; built in: "
                    + String.join(", ", names()) + " (aliases minilm, bge-small)");
        };
    }

    public static OnnxBertEmbeddingModel load(String name) {
        return new OnnxBertEmbeddingModel(spec(name));
    }
}
