package dev.jllm.rag.chunk;

import java.util.ArrayList;
import java.util.List;

/** Windows of {@code size} tokens, each starting {@code size - overlap} tokens after the one before. */
public final class FixedTokenChunker implements Chunker {
    private final int size, overlap;
    private final Tokenization tokenization;

    public FixedTokenChunker(int size, int overlap, Tokenization tokenization) {
        Chunkers.checkSizes(size, overlap);
        this.size = size;
        this.overlap = overlap;
        this.tokenization = tokenization;
    }

    @Override
    public String name() {
        return "fixed";
    }

    @Override
    public List<TextChunk> chunk(String text) {
        return Range.chunks(text, windows(text, 0, text.length()));
    }

    /** The windows over characters {@code from..to} of {@code text}. */
    List<Range> windows(String text, int from, int to) {
        List<Tokenization.Span> spans = tokenization.spans(text.substring(from, to));
        List<Range> out = new ArrayList<>();
        for (int first = 0; first < spans.size(); first += size - overlap) {
            int last = Math.min(spans.size(), first + size);
            out.add(new Range(from + spans.get(first).start(), from + spans.get(last - 1).end(), last - first));
            if (last == spans.size()) break;
        }
        return out;
    }
}
