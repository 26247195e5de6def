package dev.jllm.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.IntStream;

/**
 * A token table as llama.cpp holds it after loading (llama_vocab): token texts, scores and attributes, the special
 * token ids, the add-BOS/EOS/SEP settings, the end-of-generation set and each token's bytes. Read one with
 * {@link VocabularyLoader}; it does not change afterwards.
 */
public final class Vocabulary {
    /** Token id meaning "none" (LLAMA_TOKEN_NULL). */
    public static final int NONE = -1;

    /** The special token ids; {@link #NONE} where a vocabulary has none. */
    public record SpecialIds(int bos, int eos, int eot, int eom, int unk, int sep, int pad, int mask) {}

    /** Tokenizer settings (llama_vocab::impl flags and BertNormalizer options). */
    record Options(boolean addBos, boolean addEos, boolean addSep, boolean addSpacePrefix, boolean lowercase,
                   boolean stripAccents) {}

    private final VocabType type;
    private final String[] texts;
    private final float[] scores;
    private final int[] attrs;
    private final Map<String, Integer> ids;
    private final SpecialIds specials;
    private final Options options;
    private final BitSet endOfGeneration;
    private final int[] specialTokensLongestFirst;
    private final byte[][] pieces;
    private final int maxTokenBytes;

    Vocabulary(VocabType type, String[] texts, float[] scores, int[] attrs, Map<String, Integer> ids, SpecialIds specials,
               Options options, BitSet endOfGeneration) {
        this.type = type;
        this.texts = texts;
        this.scores = scores;
        this.attrs = attrs;
        this.ids = ids;
        this.specials = specials;
        this.options = options;
        this.endOfGeneration = endOfGeneration;
        int[] utf8Length = new int[texts.length];
        int max = 0;
        for (int i = 0; i < texts.length; i++) {
            utf8Length[i] = utf8Length(texts[i]);
            max = Math.max(max, utf8Length[i]);
        }
        this.maxTokenBytes = max;
        // the special tokens that text is searched for, longest (in bytes) first; equal lengths by id
        this.specialTokensLongestFirst = IntStream.range(0, texts.length)
                .filter(i -> (attrs[i] & (TokenAttributes.CONTROL | TokenAttributes.USER_DEFINED | TokenAttributes.UNKNOWN)) != 0)
                .boxed().sorted(Comparator.comparingInt((Integer i) -> -utf8Length[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
        this.pieces = new byte[texts.length][];
        for (int i = 0; i < texts.length; i++) pieces[i] = piece(i);
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isHighSurrogate(c) ? 2 : Character.isLowSurrogate(c) ? 2 : 3;
        }
        return n;
    }

    /** llama_token_to_piece(id, lstrip=0, special=true) without the cache. */
    private byte[] piece(int id) {
        int a = attrs[id];
        String text = texts[id];
        if ((a & (TokenAttributes.UNKNOWN | TokenAttributes.CONTROL | TokenAttributes.USER_DEFINED)) != 0) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if ((a & TokenAttributes.NORMAL) != 0) {
            return type == VocabType.BPE ? ByteLevelEncoding.decode(text)
                    : text.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
        }
        if ((a & TokenAttributes.BYTE) != 0) return new byte[] {byteOfByteToken(text)};
        return new byte[0]; // unused and undefined tokens print nothing
    }

    /** The byte a "<0xXX>" token stands for; like strtol, reads the hex digits at positions 3..4 as far as they go. */
    private static byte byteOfByteToken(String text) {
        int v = 0;
        for (int i = 3; i < Math.min(5, text.length()); i++) {
            int d = Character.digit(text.charAt(i), 16);
            if (d < 0) break;
            v = v * 16 + d;
        }
        return (byte) v;
    }

    public VocabType type() {
        return type;
    }

    public int size() {
        return texts.length;
    }

    public String text(int id) {
        return texts[checked(id)];
    }

    public float score(int id) {
        return scores[checked(id)];
    }

    /** The token's type after llama.cpp's load-time adjustments (see {@link TokenType}). */
    public int tokenType(int id) {
        return TokenAttributes.toTokenType(attrs[checked(id)]);
    }

    int attrs(int id) {
        return attrs[id];
    }

    /** The id of the token whose text is exactly {@code text}. */
    public OptionalInt idOf(String text) {
        Integer id = ids.get(text);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** Like {@link #idOf} but {@link #NONE} when absent; for the tokenizers' inner loops. */
    int id(String text) {
        Integer id = ids.get(text);
        return id == null ? NONE : id;
    }

    public SpecialIds specialIds() {
        return specials;
    }

    Options options() {
        return options;
    }

    /** Whether {@code id} ends generation (llama.cpp's special_eog_ids: EOS, EOT, EOM, FIM pad/repo/sep, ...). */
    public boolean isEndOfGeneration(int id) {
        return id >= 0 && endOfGeneration.get(id);
    }

    /** The end-of-generation ids, ascending. */
    public int[] endOfGenerationIds() {
        return endOfGeneration.stream().toArray();
    }

    /** The token's bytes (llama_token_to_piece with special=true); do not modify. */
    byte[] pieceBytes(int id) {
        return pieces[checked(id)];
    }

    /** Longest token text in UTF-8 bytes (llama.cpp's max_token_len). */
    int maxTokenBytes() {
        return maxTokenBytes;
    }

    int[] specialTokensLongestFirst() {
        return specialTokensLongestFirst;
    }

    private int checked(int id) {
        if (id < 0 || id >= texts.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (0.." + (texts.length - 1) + ")");
        }
        return id;
    }
}
