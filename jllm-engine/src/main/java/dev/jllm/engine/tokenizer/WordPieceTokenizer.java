package dev.jllm.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * BERT WordPiece (tokenizer.ggml.model "bert"), as llm_tokenizer_wpm_session: lower-case and strip accents (each
 * code point reduced to the first code point of its canonical decomposition, accent marks dropped), split at
 * whitespace, punctuation, ASCII symbols and CJK ideographs, then cover each word "▁word" greedily with the longest
 * tokens; a word that cannot be covered becomes [UNK]. With add_special the result is [CLS] ... [SEP].
 */
final class WordPieceTokenizer implements Tokenizer {
    private final Vocabulary vocab;

    WordPieceTokenizer(Vocabulary vocab) {
        this.vocab = vocab;
    }

    @Override
    public Vocabulary vocabulary() {
        return vocab;
    }

    @Override
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        Vocabulary.SpecialIds specials = vocab.specialIds();
        IntList out = new IntList(text.length() / 3 + 4);
        if (addSpecial) out.add(required(specials.bos(), "BOS/CLS"));
        for (SpecialTokenPartition.Fragment fragment : SpecialTokenPartition.partition(vocab, Utf8.wellFormed(text), parseSpecial)) {
            if (fragment.isToken()) {
                out.add(fragment.token());
            } else {
                for (String word : words(fragment.text())) encodeWord(word, out);
            }
        }
        if (addSpecial) out.add(required(specials.sep(), "SEP"));
        return out.toArray();
    }

    private int required(int id, String what) {
        if (id == Vocabulary.NONE) throw new TokenizerException("this WordPiece vocabulary has no " + what + " token to add");
        return id;
    }

    /** llm_tokenizer_wpm_session::preprocess: normalized words and single-character punctuation words. */
    List<String> words(String text) {
        Vocabulary.Options options = vocab.options();
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (options.stripAccents()) cp = UnicodeProperties.nfdFirst(cp);
            int flags = UnicodeProperties.flags(cp);
            if ((flags & UnicodeProperties.WHITESPACE) != 0) {
                finish(word, words);
                continue;
            }
            if (cp == 0 || cp == 0xFFFD || (flags & UnicodeProperties.CONTROL) != 0) continue;
            if (options.stripAccents() && (flags & UnicodeProperties.ACCENT_MARK) != 0) continue;
            int c = options.lowercase() ? UnicodeProperties.toLower(cp) : cp;
            if ((flags & UnicodeProperties.PUNCTUATION) != 0 || (cp < 0x7F && (flags & UnicodeProperties.SYMBOL) != 0) || isChinese(cp)) {
                finish(word, words);
                words.add(Character.toString(c));
            } else {
                word.appendCodePoint(c);
            }
        }
        finish(word, words);
        return words;
    }

    private static void finish(StringBuilder word, List<String> words) {
        if (!word.isEmpty()) {
            words.add(word.toString());
            word.setLength(0);
        }
    }

    /** The CJK ranges BERT splits into single characters (including HF's 0x2B920 typo, as llama.cpp copies it). */
    private static boolean isChinese(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    /** Greedy longest-match of "▁" + word over UTF-8 bytes, at most max_token_len bytes at a time; [UNK] if it fails. */
    private void encodeWord(String word, IntList out) {
        byte[] bytes = ("\u2581" + word).getBytes(StandardCharsets.UTF_8);
        int n = bytes.length;
        int before = out.size();
        for (int i = 0; i < n; ) {
            int matchEnd = -1;
            for (int j = Math.min(n, i + vocab.maxTokenBytes() + 1); j > i; j--) {
                if (j < n && (bytes[j] & 0xC0) == 0x80) continue; // not a character boundary: no token can match
                int id = vocab.id(new String(bytes, i, j - i, StandardCharsets.UTF_8));
                if (id != Vocabulary.NONE) {
                    out.add(id);
                    matchEnd = j;
                    break;
                }
            }
            if (matchEnd < 0) {
                out.truncate(before);
                break;
            }
            i = matchEnd;
        }
        if (out.size() == before) out.add(required(vocab.specialIds().unk(), "[UNK]"));
    }
}
