package dev.jllm.engine.tokenizer;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The ranked merges of a byte-level BPE vocabulary ({@code tokenizer.ggml.merges}, rank = position). Every string
 * that takes part in a merge gets a symbol id (a token's own id, or a fresh id past the vocabulary for the rare
 * merge part that is no token), so the tokenizer looks merges up by a pair of ints instead of by concatenated text.
 * Like llama.cpp's bpe_ranks, a pair listed twice keeps its first rank.
 */
final class BpeMerges {
    static final int NO_SYMBOL = -1;

    private final Vocabulary vocab;
    private final Map<String, Integer> nonTokenSymbols = new HashMap<>();
    private final int[] singleCharSymbols = new int[0x200]; // fast path for the byte characters
    // open addressing: key (left << 32 | right) -> rank
    private final long[] keys;
    private final long[] values;
    private final int mask;

    BpeMerges(Vocabulary vocab, String[] merges) {
        this.vocab = vocab;
        int capacity = Integer.highestOneBit(Math.max(16, merges.length * 2)) * 2;
        keys = new long[capacity];
        values = new long[capacity];
        Arrays.fill(keys, -1L);
        mask = capacity - 1;
        for (int rank = 0; rank < merges.length; rank++) {
            String merge = merges[rank];
            int space = merge.indexOf(' ', 1);
            if (space < 0) continue; // llama.cpp stores it as the pair ("", ""), which no symbol matches
            String first = merge.substring(0, space);
            String second = merge.substring(space + 1);
            if (first.isEmpty() || second.isEmpty()) continue;
            putIfAbsent(((long) intern(first) << 32) | intern(second), rank);
        }
        for (int c = 0; c < singleCharSymbols.length; c++) {
            singleCharSymbols[c] = symbolOf(String.valueOf((char) c));
        }
    }

    private int intern(String s) {
        int id = symbolOf(s);
        if (id != NO_SYMBOL) return id;
        int fresh = vocab.size() + nonTokenSymbols.size();
        nonTokenSymbols.put(s, fresh);
        return fresh;
    }

    private void putIfAbsent(long key, long value) {
        int i = slot(key);
        while (keys[i] != -1L) {
            if (keys[i] == key) return;
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = value;
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & mask;
    }

    /** The symbol id of a one-character symbol, or {@link #NO_SYMBOL} if no token or merge uses that text. */
    int symbolOf(char c) {
        return c < singleCharSymbols.length ? singleCharSymbols[c] : symbolOf(String.valueOf(c));
    }

    /** The symbol id of a whole text (for words that are tokens), or {@link #NO_SYMBOL}. */
    int symbolOf(String s) {
        int id = vocab.id(s);
        if (id != Vocabulary.NONE) return id;
        Integer extra = nonTokenSymbols.get(s);
        return extra == null ? NO_SYMBOL : extra;
    }

    /** The rank of merging {@code left} and {@code right}, or -1 when they do not merge. */
    long rank(int left, int right) {
        if (left < 0 || right < 0) return -1L;
        long key = ((long) left << 32) | right;
        int i = slot(key);
        while (keys[i] != -1L) {
            if (keys[i] == key) return values[i];
            i = (i + 1) & mask;
        }
        return -1L;
    }
}
