package dev.jllm.rag.chunk;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits at the coarsest boundary that makes pieces fit (blank lines, then line breaks, then sentences, then
 * words), recursing into pieces still too long, then packs neighbouring pieces into chunks of at most {@code size}
 * tokens with {@code overlap} tokens of the previous chunk repeated (LangChain's recursive character splitter,
 * measured in tokens).
 */
public final class RecursiveChunker implements Chunker {
    private final int size, overlap;
    private final Tokenization tokenization;
    private final FixedTokenChunker windows;

    public RecursiveChunker(int size, int overlap, Tokenization tokenization) {
        Chunkers.checkSizes(size, overlap);
        this.size = size;
        this.overlap = overlap;
        this.tokenization = tokenization;
        this.windows = new FixedTokenChunker(size, 0, tokenization);
    }

    @Override
    public String name() {
        return "recursive";
    }

    @Override
    public List<TextChunk> chunk(String text) {
        return Range.chunks(text, ranges(text, 0, text.length()));
    }

    /** The chunks of characters {@code from..to} of {@code text}. */
    List<Range> ranges(String text, int from, int to) {
        return split(text, from, to, 0);
    }

    /**
     * As LangChain does it: the pieces at this level that fit are packed together; a piece too long is split at the
     * next level on its own, so that its parts never merge with its neighbours across a coarser boundary.
     */
    private List<Range> split(String text, int from, int to, int level) {
        int tokens = tokenization.count(text.substring(from, to));
        if (tokens <= size) return tokens > 0 ? List.of(new Range(from, to, tokens)) : List.of();
        List<int[]> parts = switch (level) {
            case 0 -> at(text, from, to, "\n\n");
            case 1 -> at(text, from, to, "\n");
            case 2 -> Sentences.of(text, from, to, tokenization).stream().map(r -> new int[] {r.start(), r.end()}).toList();
            case 3 -> at(text, from, to, " ");
            default -> null;
        };
        if (parts == null) return windows.windows(text, from, to);
        if (parts.size() <= 1) return split(text, from, to, level + 1);
        List<Range> out = new ArrayList<>();
        List<Range> fitting = new ArrayList<>();
        for (int[] p : parts) {
            int n = tokenization.count(text.substring(p[0], p[1]));
            if (n <= size) {
                if (n > 0) fitting.add(new Range(p[0], p[1], n));
                continue;
            }
            out.addAll(Range.pack(fitting, size, overlap));
            fitting.clear();
            out.addAll(split(text, p[0], p[1], level + 1));
        }
        out.addAll(Range.pack(fitting, size, overlap));
        return out;
    }

    /** Pieces ending just after each separator, so that together they cover {@code from..to}. */
    private static List<int[]> at(String text, int from, int to, String separator) {
        List<int[]> out = new ArrayList<>();
        int start = from;
        for (int i = text.indexOf(separator, from); i >= 0 && i + separator.length() <= to; i = text.indexOf(separator, i + separator.length())) {
            out.add(new int[] {start, i + separator.length()});
            start = i + separator.length();
        }
        if (start < to) out.add(new int[] {start, to});
        return out;
    }
}
