package dev.jllm.rag.chunk;

import java.util.ArrayList;
import java.util.List;

/** Characters {@code start..end} of a text, with its token count. Chunkers work on ranges so that text stays exact. */
record Range(int start, int end, int tokens) {
    /** The range with leading and trailing white space left out (null when nothing is left). */
    Range strip(String text) {
        int s = start, e = end;
        while (s < e && Character.isWhitespace(text.charAt(s))) s++;
        while (e > s && Character.isWhitespace(text.charAt(e - 1))) e--;
        return s == e ? null : new Range(s, e, tokens);
    }

    /**
     * Packs consecutive ranges into groups of at most {@code size} tokens; each group after the first begins with the
     * last ranges of the one before it that fit in {@code overlap} tokens. A range over {@code size} stands alone.
     */
    static List<Range> pack(List<Range> pieces, int size, int overlap) {
        List<Range> out = new ArrayList<>();
        int first = 0;
        while (first < pieces.size()) {
            int tokens = 0, last = first;
            while (last < pieces.size() && (last == first || tokens + pieces.get(last).tokens() <= size)) tokens += pieces.get(last++).tokens();
            out.add(new Range(pieces.get(first).start(), pieces.get(last - 1).end(), tokens));
            if (last == pieces.size()) break;
            // step back over the pieces that make the overlap, but always move forward
            int next = last, carried = 0;
            while (next - 1 > first && carried + pieces.get(next - 1).tokens() <= overlap) carried += pieces.get(--next).tokens();
            first = next;
        }
        return out;
    }

    static List<TextChunk> chunks(String text, List<Range> ranges) {
        List<TextChunk> out = new ArrayList<>();
        for (Range r : ranges) {
            Range s = r.strip(text);
            if (s != null) out.add(TextChunk.of(text, s.start(), s.end()));
        }
        return out;
    }
}
