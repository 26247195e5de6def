package dev.jllm.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * SentencePiece BPE (tokenizer.ggml.model "llama"), as llm_tokenizer_spm_session: spaces become "▁", a space is
 * put in front of text that starts the input or follows a special token (add_space_prefix), then adjacent symbols
 * are merged highest token score first; a symbol that is no token is spelled with byte-fallback tokens
 * {@code <0xNN>}. Thread-safe: each call works on its own state.
 */
final class SentencePieceTokenizer implements Tokenizer {
    private final Vocabulary vocab;
    private final int[] byteTokens = new int[256];

    SentencePieceTokenizer(Vocabulary vocab) {
        this.vocab = vocab;
        HexFormat hex = HexFormat.of().withUpperCase();
        for (int b = 0; b < 256; b++) {
            int id = vocab.id("<0x" + hex.toHexDigits((byte) b) + ">");
            // llama.cpp falls back to the byte itself as a token, which only ASCII bytes can be as text
            if (id == Vocabulary.NONE && b < 0x80) id = vocab.id(String.valueOf((char) b));
            byteTokens[b] = id;
        }
    }

    @Override
    public Vocabulary vocabulary() {
        return vocab;
    }

    @Override
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        Vocabulary.Options options = vocab.options();
        IntList out = new IntList(text.length() / 3 + 4);
        if (addSpecial && options.addBos()) out.add(vocab.specialIds().bos());
        boolean prevSpecial = true; // the first text gets the space prefix
        for (SpecialTokenPartition.Fragment fragment : SpecialTokenPartition.partition(vocab, Utf8.wellFormed(text), parseSpecial)) {
            if (fragment.isToken()) {
                out.add(fragment.token());
                prevSpecial = true;
            } else {
                String t = options.addSpacePrefix() && prevSpecial ? " " + fragment.text() : fragment.text();
                new Symbols(t.replace(' ', '\u2581')).encode(out);
                prevSpecial = false;
            }
        }
        if (addSpecial && options.addEos()) out.add(vocab.specialIds().eos());
        return out.toArray();
    }

    /** The symbols of one text: code points, merged pairwise (llm_symbol with prev/next links). */
    private final class Symbols {
        private final String text;
        private final int[] start;
        private final int[] length; // chars; 0 once merged into the left neighbour
        private final int[] prev;
        private final int[] next;
        private final MergeQueue queue = new MergeQueue();

        Symbols(String text) {
            this.text = text;
            int n = text.codePointCount(0, text.length());
            start = new int[n];
            length = new int[n];
            prev = new int[n];
            next = new int[n];
            int offset = 0;
            for (int i = 0; i < n; i++) {
                int len = Character.charCount(text.codePointAt(offset));
                start[i] = offset;
                length[i] = len;
                prev[i] = i - 1;
                next[i] = i + 1 < n ? i + 1 : -1;
                offset += len;
            }
        }

        void encode(IntList out) {
            int n = start.length;
            if (n == 0) return;
            for (int i = 1; i < n; i++) addBigram(i - 1, i);
            while (!queue.isEmpty()) {
                queue.pop();
                int left = queue.left();
                int right = queue.right();
                if (length[left] == 0 || length[right] == 0 || length[left] + length[right] != queue.size()) continue;
                length[left] += length[right];
                length[right] = 0;
                next[left] = next[right];
                if (next[right] >= 0) prev[next[right]] = left;
                addBigram(prev[left], left);
                addBigram(left, next[left]);
            }
            for (int i = 0; i != -1; i = next[i]) emit(text.substring(start[i], start[i] + length[i]), out);
        }

        private void addBigram(int left, int right) {
            if (left < 0 || right < 0) return;
            int size = length[left] + length[right];
            int id = vocab.id(text.substring(start[left], start[left] + size));
            if (id == Vocabulary.NONE) return;
            queue.push(MergeQueue.highestScoreFirst(vocab.score(id)), left, right, size);
        }

        /** A finished symbol: its token, or its UTF-8 bytes as byte-fallback tokens. */
        private void emit(String symbol, IntList out) {
            int id = vocab.id(symbol);
            if (id != Vocabulary.NONE) {
                out.add(id);
                return;
            }
            for (byte b : symbol.getBytes(StandardCharsets.UTF_8)) {
                int byteToken = byteTokens[b & 0xFF];
                if (byteToken == Vocabulary.NONE) {
                    throw new TokenizerException("the vocabulary has no token for byte 0x" + HexFormat.of().toHexDigits(b)
                            + " (needed to spell '" + symbol + "'), neither <0x" + HexFormat.of().withUpperCase().toHexDigits(b) + "> nor the byte itself");
                }
                out.add(byteToken);
            }
        }
    }
}
