package dev.jllm.engine.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The decoder architectures jllm runs, read from {@code general.architecture}. They share one forward pass
 * (llama.cpp's llm_build_llama family) and differ only in these switches, so there is one table, not a copy of
 * the model per architecture.
 */
public enum Architecture {
    /** Llama 1/2/3 (incl. Llama 3 rope_freqs), TinyLlama, Mistral and Mixtral-free Mistral files written as llama. */
    LLAMA("llama", RopeType.NORMAL, false, false, false),
    /** Mistral files written with their own architecture name; sliding-window attention when the file says so. */
    MISTRAL("mistral", RopeType.NORMAL, false, false, true),
    /** Qwen 2 / 2.5: biases on Q, K and V; NeoX rope. */
    QWEN2("qwen2", RopeType.NEOX, true, false, false),
    /** Qwen 3: RMSNorm on each Q and K head before rope; NeoX rope; no biases. */
    QWEN3("qwen3", RopeType.NEOX, false, true, false);

    /** The value of general.architecture, which is also the prefix of the model's metadata keys. */
    public final String ggufName;
    public final RopeType ropeType;
    public final boolean qkvBias;
    public final boolean qkNorm;
    /**
     * Whether {@code <arch>.attention.sliding_window} limits attention. llama.cpp's llama and qwen graphs ignore the
     * key (Qwen 2 configs carry a window they do not use), so only mistral reads it.
     */
    public final boolean slidingWindow;

    Architecture(String ggufName, RopeType ropeType, boolean qkvBias, boolean qkNorm, boolean slidingWindow) {
        this.ggufName = ggufName;
        this.ropeType = ropeType;
        this.qkvBias = qkvBias;
        this.qkNorm = qkNorm;
        this.slidingWindow = slidingWindow;
    }

    public static Architecture fromGguf(String name, Object fileForErrors) {
        for (Architecture a : values()) if (a.ggufName.equals(name)) return a;
        throw new UnsupportedModelException(fileForErrors + ": unsupported architecture '" + name + "'; jllm runs "
                + Arrays.stream(values()).map(a -> a.ggufName).collect(Collectors.joining(", ")));
    }

    /** How rotary embeddings pair up the dimensions of a head. */
    public enum RopeType {
        /** Adjacent pairs (2i, 2i+1), as in the original Llama code (llama.cpp LLAMA_ROPE_TYPE_NORM). */
        NORMAL,
        /** Halves (i, i + n/2), as in GPT-NeoX and Hugging Face's rotate_half (LLAMA_ROPE_TYPE_NEOX). */
        NEOX
    }
}
