package dev.jllm.engine.model;

import dev.jllm.engine.gguf.GgmlType;
import dev.jllm.engine.gguf.GgufValue;
import dev.jllm.engine.gguf.GgufWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Writes tiny random-weight decoder GGUFs (llama, mistral, qwen2, qwen3) with the {@link AsciiSentencePieceVocabulary},
 * one switch per architecture feature, for comparing the engine with {@link ReferenceTransformer}. Weights come from
 * {@link SyntheticWeights}; norm weights, biases and q/k norms are drawn around non-trivial values so that each of
 * them changes the result. Options to drop or reshape a tensor make broken files for the loader's error tests.
 */
final class TinyModelFile {
    private final String arch;
    private int dim = 32;
    private int layers = 2;
    private int heads = 4;
    private int kvHeads = 2;
    private int keyLength; // 0: not written, head size = dim / heads
    private Integer ropeDims; // null: the head size
    private int ffn = 48;
    private int context = 64;
    private long seed = 1;
    private boolean tied;
    private boolean qkvBias;
    private boolean qkNorm;
    private boolean ropeFreqs;
    private GgmlType matrixType = GgmlType.F32;
    private final Map<String, GgufValue> extraMetadata = new LinkedHashMap<>();
    private final Set<String> omitted = new HashSet<>();
    private final Map<String, long[]> reshaped = new HashMap<>();
    private final Set<String> extraTensors = new HashSet<>();

    private TinyModelFile(String arch) {
        this.arch = arch;
        this.qkvBias = arch.equals("qwen2");
        this.qkNorm = arch.equals("qwen3");
    }

    /** A model of {@code general.architecture} {@code arch}, with the tensors that architecture needs. */
    static TinyModelFile of(String arch) {
        return new TinyModelFile(arch);
    }

    TinyModelFile heads(int heads, int kvHeads) {
        this.heads = heads;
        this.kvHeads = kvHeads;
        return this;
    }

    /** Writes attention.key_length (and value_length), so that the head size differs from dim / heads. */
    TinyModelFile headSize(int size) {
        this.keyLength = size;
        return this;
    }

    TinyModelFile ropeDimensionCount(int n) {
        this.ropeDims = n;
        return this;
    }

    TinyModelFile seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** No output.weight: the output head is token_embd.weight. */
    TinyModelFile tied() {
        this.tied = true;
        return this;
    }

    /** Adds a Llama-3 style rope_freqs.weight (per-pair frequency divisors). */
    TinyModelFile ropeFreqs() {
        this.ropeFreqs = true;
        return this;
    }

    /** Stores every matrix (not the norms, biases, rope_freqs) as {@code type}. */
    TinyModelFile matrices(GgmlType type) {
        this.matrixType = type;
        return this;
    }

    TinyModelFile put(String key, GgufValue value) {
        extraMetadata.put(key, value);
        return this;
    }

    /** Puts {@code <arch>.suffix}. */
    TinyModelFile archKey(String suffix, GgufValue value) {
        return put(arch + "." + suffix, value);
    }

    TinyModelFile without(String tensor) {
        omitted.add(tensor);
        return this;
    }

    /** Writes {@code tensor} with this shape (ggml order, ne0 first) instead of the right one. */
    TinyModelFile reshape(String tensor, long... shape) {
        reshaped.put(tensor, shape);
        return this;
    }

    /** With or without q/k/v biases, whatever the architecture (qwen2 has them, the others not). */
    TinyModelFile qkvBias(boolean on) {
        this.qkvBias = on;
        return this;
    }

    /** Adds a tensor the architecture does not define (e.g. "blk.0.attn_output.bias", a vector of dim). */
    TinyModelFile extraVector(String tensor) {
        extraTensors.add(tensor);
        return this;
    }

    int headSize() {
        return keyLength > 0 ? keyLength : dim / heads;
    }

    Path write(Path dir, String fileName) {
        Path p = dir.resolve(fileName);
        writer().write(p);
        return p;
    }

    GgufWriter writer() {
        int headDim = headSize();
        int qDim = heads * headDim;
        int kvDim = kvHeads * headDim;
        GgufWriter w = new GgufWriter()
                .put("general.architecture", GgufValue.string(arch))
                .put("general.name", GgufValue.string("tiny random " + arch))
                .put(arch + ".vocab_size", GgufValue.uint32(AsciiSentencePieceVocabulary.SIZE))
                .put(arch + ".context_length", GgufValue.uint32(context))
                .put(arch + ".embedding_length", GgufValue.uint32(dim))
                .put(arch + ".block_count", GgufValue.uint32(layers))
                .put(arch + ".feed_forward_length", GgufValue.uint32(ffn))
                .put(arch + ".rope.dimension_count", GgufValue.uint32(ropeDims != null ? ropeDims : headDim))
                .put(arch + ".attention.head_count", GgufValue.uint32(heads))
                .put(arch + ".attention.head_count_kv", GgufValue.uint32(kvHeads))
                .put(arch + ".attention.layer_norm_rms_epsilon", GgufValue.float32(1e-6f))
                .put(arch + ".rope.freq_base", GgufValue.float32(arch.startsWith("qwen") ? 1_000_000f : 10_000f));
        if (keyLength > 0) {
            w.put(arch + ".attention.key_length", GgufValue.uint32(keyLength));
            w.put(arch + ".attention.value_length", GgufValue.uint32(keyLength));
        }
        extraMetadata.forEach(w::put);
        AsciiSentencePieceVocabulary.addTo(w);

        int vocab = AsciiSentencePieceVocabulary.SIZE;
        matrix(w, "token_embd.weight", dim, vocab, 1.0);
        if (ropeFreqs) {
            // Llama 3's factors run from 1 (high frequencies) up to the scaling factor (low ones); here 1..8
            int pairs = (ropeDims != null ? ropeDims : headDim) / 2;
            float[] ff = new float[pairs];
            for (int i = 0; i < pairs; i++) ff[i] = 1f + 7f * i / Math.max(1, pairs - 1);
            vector(w, "rope_freqs.weight", ff);
        }
        for (int l = 0; l < layers; l++) {
            String b = "blk." + l + ".";
            vector(w, b + "attn_norm.weight", around(b + "attn_norm.weight", dim, 1, 0.3));
            matrix(w, b + "attn_q.weight", dim, qDim, 1 / Math.sqrt(dim));
            matrix(w, b + "attn_k.weight", dim, kvDim, 1 / Math.sqrt(dim));
            matrix(w, b + "attn_v.weight", dim, kvDim, 1 / Math.sqrt(dim));
            if (qkvBias) {
                vector(w, b + "attn_q.bias", around(b + "attn_q.bias", qDim, 0, 0.5));
                vector(w, b + "attn_k.bias", around(b + "attn_k.bias", kvDim, 0, 0.5));
                vector(w, b + "attn_v.bias", around(b + "attn_v.bias", kvDim, 0, 0.5));
            }
            if (qkNorm) {
                vector(w, b + "attn_q_norm.weight", around(b + "attn_q_norm.weight", headDim, 1, 0.4));
                vector(w, b + "attn_k_norm.weight", around(b + "attn_k_norm.weight", headDim, 1, 0.4));
            }
            matrix(w, b + "attn_output.weight", qDim, dim, 1 / Math.sqrt(qDim));
            vector(w, b + "ffn_norm.weight", around(b + "ffn_norm.weight", dim, 1, 0.3));
            matrix(w, b + "ffn_gate.weight", dim, ffn, 1 / Math.sqrt(dim));
            matrix(w, b + "ffn_up.weight", dim, ffn, 1 / Math.sqrt(dim));
            matrix(w, b + "ffn_down.weight", ffn, dim, 1 / Math.sqrt(ffn));
        }
        vector(w, "output_norm.weight", around("output_norm.weight", dim, 1, 0.3));
        if (!tied) matrix(w, "output.weight", dim, vocab, 4 / Math.sqrt(dim));
        for (String name : extraTensors) vector(w, name, around(name, dim, 0, 0.5));
        return w;
    }

    private float[] around(String name, int n, double mean, double std) {
        float[] v = SyntheticWeights.uniform(seed, name, 0, n, std);
        for (int i = 0; i < n; i++) v[i] += (float) mean;
        return v;
    }

    private void matrix(GgufWriter w, String name, int ne0, int ne1, double std) {
        if (omitted.contains(name)) return;
        long[] shape = reshaped.getOrDefault(name, new long[] {ne0, ne1});
        float[] v = SyntheticWeights.uniform(seed, name, 0, Math.toIntExact(elements(shape)), std);
        switch (matrixType) {
            case F32 -> w.addTensor(name, shape, v);
            case F16 -> w.addTensor(name, GgmlType.F16, shape, f16Bytes(v));
            default -> throw new IllegalArgumentException("tiny models store matrices as F32 or F16, not " + matrixType);
        }
    }

    private void vector(GgufWriter w, String name, float[] v) {
        if (omitted.contains(name)) return;
        long[] shape = reshaped.get(name);
        if (shape != null) v = SyntheticWeights.uniform(seed, name, 0, Math.toIntExact(elements(shape)), 1);
        w.addTensor(name, shape != null ? shape : new long[] {v.length}, v);
    }

    private static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    private static byte[] f16Bytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putShort(Float.floatToFloat16(x));
        return b.array();
    }
}
