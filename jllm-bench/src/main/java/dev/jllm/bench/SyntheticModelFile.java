package dev.jllm.bench;

import dev.jllm.engine.gguf.GgmlType;
import dev.jllm.engine.gguf.GgufValue;
import dev.jllm.engine.gguf.GgufWriter;
import dev.jllm.engine.model.AsciiSentencePieceVocabulary;
import dev.jllm.engine.model.SyntheticWeights;
import dev.jllm.engine.quant.ReferenceQuantizers;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A small Llama-architecture GGUF for the model-step benchmarks: dim 512, 4 layers, 8 heads (4 KV heads), FFN 1536,
 * the {@link AsciiSentencePieceVocabulary}, every matrix in one type (quantized by ggml's reference quantizers from
 * {@link SyntheticWeights}), norms F32. Its ~12.6 M weights are 50 MB in F32 and 7 MB in Q4_0: big enough that
 * the matrices dominate a step, small enough to write in a second or two.
 */
final class SyntheticModelFile {
    static final int DIM = 512;
    static final int LAYERS = 4;
    static final int HEADS = 8;
    static final int KV_HEADS = 4;
    static final int FFN = 1536;
    static final int CONTEXT = 256;
    private static final long SEED = 7;

    private SyntheticModelFile() {}

    static void write(Path path, GgmlType type) {
        int headDim = DIM / HEADS;
        int vocab = AsciiSentencePieceVocabulary.SIZE;
        GgufWriter w = new GgufWriter()
                .put("general.architecture", GgufValue.string("llama"))
                .put("general.name", GgufValue.string("jllm benchmark model (random " + type + " weights)"))
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
        try (Arena arena = Arena.ofConfined()) {
            matrix(w, arena, type, "token_embd.weight", DIM, vocab);
            for (int l = 0; l < LAYERS; l++) {
                String b = "blk." + l + ".";
                ones(w, b + "attn_norm.weight");
                matrix(w, arena, type, b + "attn_q.weight", DIM, HEADS * headDim);
                matrix(w, arena, type, b + "attn_k.weight", DIM, KV_HEADS * headDim);
                matrix(w, arena, type, b + "attn_v.weight", DIM, KV_HEADS * headDim);
                matrix(w, arena, type, b + "attn_output.weight", HEADS * headDim, DIM);
                ones(w, b + "ffn_norm.weight");
                matrix(w, arena, type, b + "ffn_gate.weight", DIM, FFN);
                matrix(w, arena, type, b + "ffn_up.weight", DIM, FFN);
                matrix(w, arena, type, b + "ffn_down.weight", FFN, DIM);
            }
            ones(w, "output_norm.weight");
            matrix(w, arena, type, "output.weight", DIM, vocab);
            w.write(path);
        }
    }

    /** A matrix of ne1 rows of ne0 values (ggml order), as gen_synthetic_gguf.py draws them, quantized to type. */
    private static void matrix(GgufWriter w, Arena arena, GgmlType type, String name, int ne0, int ne1) {
        float[] values = SyntheticWeights.uniform(SEED, name, 0, ne0 * ne1, SyntheticWeights.defaultStd(name, ne0, DIM));
        MemorySegment data = arena.allocate(type.bytesFor((long) ne0 * ne1), 64);
        ReferenceQuantizers.quantize(type, values, 0, data, 0, values.length);
        w.addTensor(name, type, new long[] {ne0, ne1}, data);
    }

    private static void ones(GgufWriter w, String name) {
        float[] v = new float[DIM];
        Arrays.fill(v, 1f);
        w.addTensor(name, new long[] {DIM}, v);
    }
}
