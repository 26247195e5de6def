package dev.jllm.rag.chunk;

import java.util.List;

/**
 * Splits text into tokens and says where each one lies, so that chunkers can measure and cut text in tokens while
 * keeping the original characters. An embedding model's own tokenizer measures best; {@link WordTokenization} serves
 * when there is none.
 */
@FunctionalInterface
public interface Tokenization {
    /** The tokens of {@code text} as character ranges, in order and not overlapping. */
    List<Span> spans(String text);

    default int count(String text) {
        return spans(text).size();
    }

    /** Characters {@code start} (inclusive) to {@code end} (exclusive) of a text. */
    record Span(int start, int end) {
        public Span {
            if (start < 0 || end < start) throw new IllegalArgumentException("bad span " + start + ".." + end);
        }
    }
}
