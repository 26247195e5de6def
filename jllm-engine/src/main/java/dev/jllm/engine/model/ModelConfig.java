package dev.jllm.engine.model;

import dev.jllm.engine.gguf.GgufFile;

/**
 * Hyper-parameters of a decoder model, read from the {@code <arch>.*} metadata keys as llama.cpp's
 * llama_model_load_hparams reads them.
 *
 * @param slidingWindow attention span in tokens (a query at position p sees keys at p-window+1..p), or 0 for full
 * @param ropeFreqScale 1 / linear rope scaling factor (1 when unscaled)
 */
public record ModelConfig(
        Architecture architecture,
        int dim,
        int layers,
        int heads,
        int kvHeads,
        int headDim,
        int ffnDim,
        int vocabSize,
        int contextLength,
        float rmsEps,
        float ropeTheta,
        int ropeDims,
        float ropeFreqScale,
        int slidingWindow) {

    public static ModelConfig fromGguf(GgufFile f) {
        String archName = f.getString("general.architecture");
        Architecture arch = Architecture.fromGguf(archName, f.path());
        String p = archName + ".";
        int dim = f.getInt(p + "embedding_length");
        int heads = f.getInt(p + "attention.head_count");
        int kvHeads = f.getInt(p + "attention.head_count_kv", heads);
        int headDim = f.getInt(p + "attention.key_length", heads > 0 ? dim / heads : 0);
        int layers = f.getInt(p + "block_count");
        int ffn = f.getInt(p + "feed_forward_length");
        int vocab = f.has(p + "vocab_size") ? f.getInt(p + "vocab_size")
                : f.has("tokenizer.ggml.tokens") ? f.getStringArray("tokenizer.ggml.tokens").length
                : (int) f.tensor("token_embd.weight").shape()[1];
        int ctx = f.getInt(p + "context_length", 2048);
        float eps = f.getFloat(p + "attention.layer_norm_rms_epsilon", 1e-5f);
        float theta = f.getFloat(p + "rope.freq_base", 10000f);
        int ropeDims = f.getInt(p + "rope.dimension_count", headDim);
        // as llama.cpp: the type defaults to linear, and the factor (or its older key) applies unless the type is none
        String scaling = f.getString(p + "rope.scaling.type", "linear");
        if (!scaling.equals("linear") && !scaling.equals("none")) {
            throw new UnsupportedModelException(f.path() + ": rope scaling '" + scaling + "' is not supported (supported: none, linear)");
        }
        float factor = f.has(p + "rope.scaling.factor") ? f.getFloat(p + "rope.scaling.factor", 0f)
                : f.getFloat(p + "rope.scale_linear", 0f);
        float freqScale = scaling.equals("none") || factor == 0f ? 1f : 1f / factor;
        int window = arch.slidingWindow ? f.getInt(p + "attention.sliding_window", 0) : 0;
        ModelConfig c = new ModelConfig(arch, dim, layers, heads, kvHeads, headDim, ffn, vocab, ctx, eps, theta, ropeDims,
                freqScale, window);
        c.validate(f, f.getInt(p + "attention.value_length", headDim), f.getInt(p + "expert_count", 0));
        return c;
    }

    private void validate(GgufFile f, int valueLength, int experts) {
        String problem = null;
        if (dim <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || ffnDim <= 0 || vocabSize <= 0 || headDim <= 0) {
            problem = "non-positive dimension in " + this;
        } else if (heads % kvHeads != 0) {
            problem = "head_count " + heads + " is not a multiple of head_count_kv " + kvHeads;
        } else if (ropeDims != headDim) {
            // llama.cpp: "invalid n_rot" for llama; its qwen graphs assert whole heads too
            problem = "rope.dimension_count " + ropeDims + " differs from the head size " + headDim
                    + " (rope over part of a head is not supported for " + architecture.ggufName + ")";
        } else if (valueLength != headDim) {
            problem = "attention.value_length " + valueLength + " differs from the key length " + headDim;
        } else if (experts > 0) {
            problem = "mixture-of-experts models (expert_count " + experts + ") are not supported";
        } else if (!(ropeFreqScale > 0) || Float.isInfinite(ropeFreqScale)) {
            problem = "rope scaling factor " + 1 / ropeFreqScale + " is not a positive number";
        } else if (slidingWindow < 0) {
            problem = "negative sliding window " + slidingWindow;
        }
        if (problem != null) throw new UnsupportedModelException(f.path() + ": " + problem);
    }

    public int kvDim() {
        return kvHeads * headDim;
    }

    public int qDim() {
        return heads * headDim;
    }
}
