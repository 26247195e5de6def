package dev.jllm.engine.model;

import dev.jllm.engine.gguf.GgmlType;
import dev.jllm.engine.gguf.GgufValue;
import dev.jllm.engine.gguf.GgufWriter;
import dev.jllm.engine.quant.ReferenceQuantizers;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * A small Llama-architecture GGUF with random weights, so that jllm's commands run anywhere without downloading a
 * model: by default ({@link #SMOKE}) dim 64, 2 layers, 4 heads (2 KV heads), FFN 128, context 256, all F32, and the
 * {@link AsciiSentencePieceVocabulary}. The weights follow {@link SyntheticWeights} (the recipe of {@code
 * gen_synthetic_gguf.py}), so the same seed gives the same file, byte for byte. Other shapes and weight types (the
 * matrices quantized by ggml's reference quantizers, norms F32) serve benchmarks. It generates noise, not language.
 */
public final class SmokeTestModel {
    public static final String NAME = "jllm smoke-test model (random weights, not a language model)";
    public static final long DEFAULT_SEED = 42;

    /** A model's dimensions. */
    public record Shape(int dim, int layers, int heads, int kvHeads, int ffn, int context) {}

    /** The smoke-test model's shape. */
    public static final Shape SMOKE = new Shape(64, 2, 4, 2, 128, 256);

    private SmokeTestModel() {}

    /** Writes the smoke-test model with {@code seed} to {@code path}. */
    public static void write(Path path, long seed) {
        writer(seed).write(path);
    }

    /** The smoke-test model with {@code seed}, ready to write. */
    public static GgufWriter writer(long seed) {
        return writer(SMOKE, GgmlType.F32, seed);
    }

    /** A model of {@code shape} whose matrices are of {@code type}, ready to write. */
    public static GgufWriter writer(Shape shape, GgmlType type, long seed) {
        int vocab = AsciiSentencePieceVocabulary.SIZE;
        int dim = shape.dim();
        int headDim = dim / shape.heads();

        GgufWriter w = new GgufWriter()
                .put("general.architecture", GgufValue.string("llama"))
                .put("general.name", GgufValue.string(NAME))
                .put("general.file_type", GgufValue.uint32(type == GgmlType.F32 ? 0 : 1024)) // LLAMA_FTYPE_ALL_F32, else _GUESSED
                .put("general.quantization_version", GgufValue.uint32(2))
                .put("llama.vocab_size", GgufValue.uint32(vocab))
                .put("llama.context_length", GgufValue.uint32(shape.context()))
                .put("llama.embedding_length", GgufValue.uint32(dim))
                .put("llama.block_count", GgufValue.uint32(shape.layers()))
                .put("llama.feed_forward_length", GgufValue.uint32(shape.ffn()))
                .put("llama.rope.dimension_count", GgufValue.uint32(headDim))
                .put("llama.attention.head_count", GgufValue.uint32(shape.heads()))
                .put("llama.attention.head_count_kv", GgufValue.uint32(shape.kvHeads()))
                .put("llama.attention.layer_norm_rms_epsilon", GgufValue.float32(1e-5f))
                .put("llama.rope.freq_base", GgufValue.float32(10000f));
        AsciiSentencePieceVocabulary.addTo(w);

        // tensors in the script's order; std 1/sqrt(fan_in) for linear weights, 4/sqrt(dim) for embeddings
        int qOut = shape.heads() * headDim;
        int kvOut = shape.kvHeads() * headDim;
        Matrices m = new Matrices(w, type, seed, dim);
        m.add("token_embd.weight", dim, vocab);
        for (int l = 0; l < shape.layers(); l++) {
            String p = "blk." + l + ".";
            ones(w, p + "attn_norm.weight", dim);
            m.add(p + "attn_q.weight", dim, qOut);
            m.add(p + "attn_k.weight", dim, kvOut);
            m.add(p + "attn_v.weight", dim, kvOut);
            m.add(p + "attn_output.weight", qOut, dim);
            ones(w, p + "ffn_norm.weight", dim);
            m.add(p + "ffn_gate.weight", dim, shape.ffn());
            m.add(p + "ffn_up.weight", dim, shape.ffn());
            m.add(p + "ffn_down.weight", shape.ffn(), dim);
        }
        ones(w, "output_norm.weight", dim);
        m.add("output.weight", dim, vocab);
        return w;
    }

    /** Adds random matrices of ne1 rows of ne0 values (ggml order) in one type. */
    private record Matrices(GgufWriter w, GgmlType type, long seed, int dim) {
        void add(String name, int ne0, int ne1) {
            float[] values = SyntheticWeights.uniform(seed, name, 0, Math.multiplyExact(ne0, ne1), SyntheticWeights.defaultStd(name, ne0, dim));
            if (type == GgmlType.F32) {
                w.addTensor(name, new long[] {ne0, ne1}, values);
            } else {
                MemorySegment data = MemorySegment.ofArray(new byte[Math.toIntExact(type.bytesFor((long) ne0 * ne1))]);
                ReferenceQuantizers.quantize(type, values, 0, data, 0, values.length);
                w.addTensor(name, type, new long[] {ne0, ne1}, data);
            }
        }
    }

    private static void ones(GgufWriter w, String name, int n) {
        float[] ones = new float[n];
        java.util.Arrays.fill(ones, 1f);
        w.addTensor(name, new long[] {n}, ones);
    }
}
