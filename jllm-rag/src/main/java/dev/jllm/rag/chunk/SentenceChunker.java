package dev.jllm.rag.chunk;

import java.util.ArrayList;
import java.util.List;

/**
 * Whole sentences packed into chunks of at most {@code size} tokens, the next chunk repeating the last sentences
 * that fit in {@code overlap} tokens; a sentence longer than a chunk is cut into token windows.
 */
public final class SentenceChunker implements Chunker {
    private final int size, overlap;
    private final Tokenization tokenization;
    private final FixedTokenChunker windows;

    public SentenceChunker(int size, int overlap, Tokenization tokenization) {
        Chunkers.checkSizes(size, overlap);
        this.size = size;
        this.overlap = overlap;
        this.tokenization = tokenization;
        this.windows = new FixedTokenChunker(size, overlap, tokenization);
    }

    @Override
    public String name() {
        return "sentence";
    }

    @Override
    public List<TextChunk> chunk(String text) {
        return Range.chunks(text, Range.pack(sentences(text, 0, text.length()), size, overlap));
    }

    /** The sentences of characters {@code from..to}, those over {@code size} tokens cut into windows. */
    List<Range> sentences(String text, int from, int to) {
        List<Range> out = new ArrayList<>();
        for (Range s : Sentences.of(text, from, to, tokenization)) {
            if (s.tokens() <= size) out.add(s);
            else out.addAll(windows.windows(text, s.start(), s.end()));
        }
        return out;
    }
}
