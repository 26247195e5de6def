package dev.jllm.engine.tokenizer;

/** A range {@code [ini, end)} of code points that a hand-written splitter scans, and its bounds-checked reads. */
record Chunk(int[] cps, int ini, int end) {
    static final int OUT_OF_RANGE = -1;

    int cpt(int pos) {
        return pos >= ini && pos < end ? cps[pos] : OUT_OF_RANGE;
    }

    /** The code point's flags, 0 outside the chunk. */
    int flags(int pos) {
        return pos >= ini && pos < end ? UnicodeProperties.flags(cps[pos]) : 0;
    }

    /** Ends a word at {@code wordEnd} (skipping empty ones); returns the new start of the next word. */
    static int add(IntList out, int prevEnd, int wordEnd) {
        if (wordEnd > prevEnd) out.add(wordEnd - prevEnd);
        return wordEnd;
    }
}
