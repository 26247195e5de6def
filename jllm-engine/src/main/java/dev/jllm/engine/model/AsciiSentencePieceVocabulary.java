package dev.jllm.engine.model;

import dev.jllm.engine.gguf.GgufValue;
import dev.jllm.engine.gguf.GgufValueType;
import dev.jllm.engine.gguf.GgufWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A small SentencePiece ("llama") vocabulary for generated models: {@code <unk>}, {@code <s>}, {@code </s>}, the 256
 * byte-fallback tokens {@code <0x00>..<0xFF>}, SentencePiece's space "▁" and the printable ASCII characters, all with
 * score 0. Any text tokenizes with it (through byte fallback where needed), so random-weight models built with it run
 * end to end.
 */
public final class AsciiSentencePieceVocabulary {
    public static final int UNKNOWN_ID = 0;
    public static final int BOS_ID = 1;
    public static final int EOS_ID = 2;

    // tokenizer.ggml.token_type values (llama_token_type)
    private static final int NORMAL = 1;
    private static final int UNKNOWN = 2;
    private static final int CONTROL = 3;
    private static final int BYTE = 6;

    private static final List<String> TOKENS = new ArrayList<>();
    private static final List<Integer> TYPES = new ArrayList<>();

    static {
        add("<unk>", UNKNOWN);
        add("<s>", CONTROL);
        add("</s>", CONTROL);
        for (int b = 0; b < 256; b++) add("<0x%02X>".formatted(b), BYTE);
        add("\u2581", NORMAL); // SentencePiece's space
        for (char c = 33; c < 127; c++) add(String.valueOf(c), NORMAL);
    }

    /** Number of tokens. */
    public static final int SIZE = TOKENS.size();

    private AsciiSentencePieceVocabulary() {}

    private static void add(String token, int type) {
        TOKENS.add(token);
        TYPES.add(type);
    }

    /** Puts the tokenizer.ggml.* keys of this vocabulary into {@code w}. */
    public static GgufWriter addTo(GgufWriter w) {
        return w.put("tokenizer.ggml.model", GgufValue.string("llama"))
                .put("tokenizer.ggml.pre", GgufValue.string("default"))
                .put("tokenizer.ggml.tokens", GgufValue.array(GgufValueType.STRING, TOKENS.toArray(String[]::new)))
                .put("tokenizer.ggml.scores", GgufValue.array(GgufValueType.FLOAT32, new float[SIZE]))
                .put("tokenizer.ggml.token_type", GgufValue.array(GgufValueType.INT32, TYPES.stream().mapToInt(Integer::intValue).toArray()))
                .put("tokenizer.ggml.bos_token_id", GgufValue.uint32(BOS_ID))
                .put("tokenizer.ggml.eos_token_id", GgufValue.uint32(EOS_ID))
                .put("tokenizer.ggml.unknown_token_id", GgufValue.uint32(UNKNOWN_ID))
                .put("tokenizer.ggml.add_bos_token", GgufValue.bool(true))
                .put("tokenizer.ggml.add_eos_token", GgufValue.bool(false));
    }
}
