package dev.jllm.engine.model;

import dev.jllm.engine.gguf.GgufValue;
import dev.jllm.engine.gguf.GgufWriter;
import java.nio.file.Path;

/**
 * A small Llama-architecture GGUF with random weights, so that jllm's commands run anywhere without downloading a
 * model: dim 64, 2 layers, 4 heads (2 KV heads), FFN 128, context 256, all F32, and the
 * {@link AsciiSentencePieceVocabulary}. The weights follow {@link SyntheticWeights} (the recipe of {@code gen_synthetic_gguf.py}), so the same seed gives
 * the same file, byte for byte. It generates noise, not language.
 */
public final class SmokeTestModel {
    public static final String NAME = "jllm smoke-test model (random weights, not a language model)";
    public static final long DEFAULT_SEED = 42;

    static final int DIM = 64;
    static final int LAYERS = 2;
    static final int HEADS = 4;
    static final int KV_HEADS = 2;
    static final int FFN = 128;
    static final int CONTEXT = 256;

    private SmokeTestModel() {}

    /** Writes the model with {@code seed} to {@code path}. */
    public static void write(Path path, long seed) {
        writer(seed).write(path);
    }

    /** The model with {@code seed}, ready to write. */
    public static GgufWriter writer(long seed) {
        int vocab = AsciiSentencePieceVocabulary.SIZE;
        int headDim = DIM / HEADS;

        GgufWriter w = new GgufWriter()
                .put("general.architecture", GgufValue.string("llama"))
                .put("general.name", GgufValue.string(NAME))
                .put("general.file_type", GgufValue.uint32(0)) // LLAMA_FTYPE_ALL_F32
                .put("general.quantization_version", GgufValue.uint32(2))
                .put("llama.vocab_size", GgufValue.uint32(vocab))
                .put("llama.context_length", GgufValue.uint32(CONTEXT))
                .put("llama.embedding_length", GgufValue.uint32(DIM))
                .put("llama.block_count", GgufValue.uint32(LAYERS))
                .put("llama.feed_forward_length", GgufValue.uint32(FFN))
                .put("llama.rope.dimension_count", GgufValue.uint32(headDim))
                .put("llama.attention.head_count", GgufValue.uint32(HEADS))
                .put("llama.attention.head_count_kv", GgufValue.uint32(KV_HEADS))
                .put("llama.attention.layer_norm_rms_epsilon", GgufValue.float32(1e-5f))
                .put("llama.rope.freq_base", GgufValue.float32(10000f));
        AsciiSentencePieceVocabulary.addTo(w);

        // tensors in the script's order; std 1/sqrt(fan_in) for linear weights, 4/sqrt(dim) for embeddings
        double embeddingStd = 4 / Math.sqrt(DIM);
        int qOut = HEADS * headDim;
        int kvOut = KV_HEADS * headDim;
        random(w, seed, "token_embd.weight", DIM, vocab, embeddingStd);
        for (int l = 0; l < LAYERS; l++) {
            String p = "blk." + l + ".";
            ones(w, p + "attn_norm.weight", DIM);
            random(w, seed, p + "attn_q.weight", DIM, qOut, 1 / Math.sqrt(DIM));
            random(w, seed, p + "attn_k.weight", DIM, kvOut, 1 / Math.sqrt(DIM));
            random(w, seed, p + "attn_v.weight", DIM, kvOut, 1 / Math.sqrt(DIM));
            random(w, seed, p + "attn_output.weight", qOut, DIM, 1 / Math.sqrt(qOut));
            ones(w, p + "ffn_norm.weight", DIM);
            random(w, seed, p + "ffn_gate.weight", DIM, FFN, 1 / Math.sqrt(DIM));
            random(w, seed, p + "ffn_up.weight", DIM, FFN, 1 / Math.sqrt(DIM));
            random(w, seed, p + "ffn_down.weight", FFN, DIM, 1 / Math.sqrt(FFN));
        }
        ones(w, "output_norm.weight", DIM);
        random(w, seed, "output.weight", DIM, vocab, embeddingStd);
        return w;
    }

    private static void random(GgufWriter w, long seed, String name, int ne0, int ne1, double std) {
        w.addTensor(name, new long[] {ne0, ne1}, SyntheticWeights.uniform(seed, name, 0, ne0 * ne1, std));
    }

    private static void ones(GgufWriter w, String name, int n) {
        float[] ones = new float[n];
        java.util.Arrays.fill(ones, 1f);
        w.addTensor(name, new long[] {n}, ones);
    }
}
