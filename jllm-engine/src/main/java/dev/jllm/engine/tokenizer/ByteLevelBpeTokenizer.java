package dev.jllm.engine.tokenizer;

import java.util.Arrays;

/**
 * Byte-level BPE (tokenizer.ggml.model "gpt2"), as llm_tokenizer_bpe_session: the pre-tokenizer cuts text into
 * words spelled in byte characters, then each word's adjacent symbols are merged lowest rank first until no ranked
 * pair is left. Thread-safe: each call works on its own state.
 */
final class ByteLevelBpeTokenizer implements Tokenizer {
    private final Vocabulary vocab;
    private final PreTokenizer preTokenizer;
    private final BpeMerges merges;

    ByteLevelBpeTokenizer(Vocabulary vocab, PreTokenizer preTokenizer, BpeMerges merges) {
        this.vocab = vocab;
        this.preTokenizer = preTokenizer;
        this.merges = merges;
    }

    @Override
    public Vocabulary vocabulary() {
        return vocab;
    }

    @Override
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        IntList out = new IntList(text.length() / 3 + 4);
        Vocabulary.Options options = vocab.options();
        if (addSpecial && options.addBos()) out.add(vocab.specialIds().bos());
        Words words = new Words();
        for (SpecialTokenPartition.Fragment fragment : SpecialTokenPartition.partition(vocab, Utf8.wellFormed(text), parseSpecial)) {
            if (fragment.isToken()) {
                out.add(fragment.token());
            } else {
                for (String word : preTokenizer.split(fragment.text())) words.encode(word, out);
            }
        }
        if (addSpecial && options.addEos()) out.add(vocab.specialIds().eos());
        return out.toArray();
    }

    /** Merging state for the words of one call. */
    private final class Words {
        private int[] symbol = new int[64]; // symbol id of each symbol's text
        private int[] start = new int[64]; // its first char in the word
        private int[] length = new int[64]; // chars in each symbol, 0 once merged into its left neighbour
        private int[] prev = new int[64];
        private int[] next = new int[64];
        private final MergeQueue queue = new MergeQueue();

        void encode(String word, IntList out) {
            int n = word.length();
            if (n == 0) return;
            if (preTokenizer.ignoreMerges()) {
                int id = vocab.id(word);
                if (id != Vocabulary.NONE) {
                    out.add(id);
                    return;
                }
            }
            if (symbol.length < n) {
                int cap = Math.max(n, symbol.length * 2);
                symbol = Arrays.copyOf(symbol, cap);
                start = Arrays.copyOf(start, cap);
                length = Arrays.copyOf(length, cap);
                prev = Arrays.copyOf(prev, cap);
                next = Arrays.copyOf(next, cap);
            }
            for (int i = 0; i < n; i++) {
                symbol[i] = merges.symbolOf(word.charAt(i));
                start[i] = i;
                length[i] = 1;
                prev[i] = i - 1;
                next[i] = i + 1 < n ? i + 1 : -1;
            }
            queue.clear();
            for (int i = 1; i < n; i++) addBigram(i - 1, i);
            while (!queue.isEmpty()) {
                queue.pop();
                int left = queue.left();
                int right = queue.right();
                // stale: one side was merged away or has grown since the pair was queued
                if (length[left] == 0 || length[right] == 0 || length[left] + length[right] != queue.size()) continue;
                length[left] += length[right];
                symbol[left] = merges.symbolOf(word.substring(start[left], start[left] + length[left]));
                length[right] = 0;
                next[left] = next[right];
                if (next[right] >= 0) prev[next[right]] = left;
                addBigram(prev[left], left);
                addBigram(left, next[left]);
            }
            for (int i = 0; i != -1; i = next[i]) emit(word, start[i], length[i], symbol[i], out);
        }

        private void addBigram(int left, int right) {
            if (left < 0 || right < 0) return;
            long rank = merges.rank(symbol[left], symbol[right]);
            if (rank >= 0) queue.push((int) rank, left, right, length[left] + length[right]);
        }

        /** A finished symbol: its token, or else the tokens of its single ASCII bytes (llama.cpp's fallback). */
        private void emit(String word, int start, int len, int symbolId, IntList out) {
            if (symbolId >= 0 && symbolId < vocab.size()) {
                out.add(symbolId);
                return;
            }
            for (int i = start; i < start + len; i++) {
                char c = word.charAt(i);
                // a non-ASCII character's UTF-8 bytes alone are never valid token text
                if (c < 0x80) {
                    int id = vocab.id(String.valueOf(c));
                    if (id != Vocabulary.NONE) out.add(id);
                }
            }
        }
    }
}
