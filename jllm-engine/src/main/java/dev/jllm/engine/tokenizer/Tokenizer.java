package dev.jllm.engine.tokenizer;

import dev.jllm.engine.gguf.GgufFile;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

/**
 * Text to token ids and back, exactly as llama.cpp does it for the vocabulary in a GGUF file (llama_tokenize,
 * llama_token_to_piece). Implementations are immutable and thread-safe.
 */
public sealed interface Tokenizer permits SentencePieceTokenizer, ByteLevelBpeTokenizer, WordPieceTokenizer {

    /**
     * The tokenizer {@code tokenizer.ggml.model} names: "llama" (SentencePiece BPE), "gpt2" (byte-level BPE with the
     * pre-tokenizer {@code tokenizer.ggml.pre} names) or "bert" (WordPiece). Works on vocabulary-only files too.
     *
     * @throws TokenizerException if the file has no usable vocabulary, or one of a kind not supported
     */
    static Tokenizer fromGguf(GgufFile f) {
        VocabularyLoader.Loaded loaded = VocabularyLoader.load(f);
        Vocabulary vocab = loaded.vocabulary();
        return switch (vocab.type()) {
            case SPM -> new SentencePieceTokenizer(vocab);
            case WPM -> new WordPieceTokenizer(vocab);
            case BPE -> new ByteLevelBpeTokenizer(vocab, loaded.preTokenizer(),
                    new BpeMerges(vocab, f.getStringArray(VocabularyLoader.MERGES)));
        };
    }

    /** The vocabulary: token texts, types, special ids. */
    Vocabulary vocabulary();

    /**
     * llama_tokenize: with {@code addSpecial}, BOS is prepended and EOS appended where the vocabulary says so
     * (add_bos_token / add_eos_token, or llama.cpp's defaults for the tokenizer type; WordPiece always gives
     * [CLS] ... [SEP]). With {@code parseSpecial}, the texts of control tokens such as "&lt;s&gt;" or
     * "&lt;|eot_id|&gt;" become those tokens; without it they are read as plain text (user-defined tokens are
     * recognised either way, as in llama.cpp).
     */
    int[] encode(String text, boolean addSpecial, boolean parseSpecial);

    /**
     * The exact bytes of a token (llama_token_to_piece with lstrip=0, special=true): a byte-fallback token gives its
     * byte, byte-level BPE characters their bytes, "▁" a space, control tokens their text. May be part of a UTF-8
     * character; see {@link StreamingDecoder}.
     */
    default byte[] tokenBytes(int id) {
        return vocabulary().pieceBytes(id).clone();
    }

    /**
     * The tokens' bytes ({@link #tokenBytes}) concatenated and decoded as UTF-8 (malformed bytes become U+FFFD).
     * Control tokens such as BOS come out as their text ("&lt;s&gt;"), and SentencePiece's space prefix as a
     * leading space: this is the raw concatenation, not llama_detokenize's cleaned-up text.
     */
    default String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : ids) bytes.writeBytes(vocabulary().pieceBytes(id));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    default int vocabSize() {
        return vocabulary().size();
    }

    /** The BOS token, or {@link Vocabulary#NONE}. */
    default int bosId() {
        return vocabulary().specialIds().bos();
    }

    /** The EOS token, or {@link Vocabulary#NONE}. */
    default int eosId() {
        return vocabulary().specialIds().eos();
    }

    /** Whether {@code encode(text, true, ...)} starts with BOS. */
    default boolean addBos() {
        return vocabulary().type() == VocabType.WPM || vocabulary().options().addBos();
    }

    /** Whether the text is encoded with a space before its first word (SentencePiece add_space_prefix). */
    default boolean addsSpacePrefix() {
        return vocabulary().options().addSpacePrefix();
    }

    /** Whether generation should stop at this token (EOS, EOT such as "&lt;|eot_id|&gt;", "&lt;|im_end|&gt;", ...). */
    default boolean isEndOfGeneration(int id) {
        return vocabulary().isEndOfGeneration(id);
    }

    /** The token's text as the vocabulary spells it (e.g. "▁the", "Ġthe", "&lt;0x0A&gt;"). */
    default String tokenText(int id) {
        return vocabulary().text(id);
    }

    /** The token's {@link TokenType}. */
    default int tokenType(int id) {
        return vocabulary().tokenType(id);
    }

    /** The id of the token whose text is exactly {@code text}. */
    default OptionalInt idOf(String text) {
        return vocabulary().idOf(text);
    }
}
