package dev.jllm.rag.answer;

import dev.jllm.rag.store.ScoredChunk;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * An answer with its numbered sources (source {@code n} is what {@code [n]} in the text cites), the numbers the text
 * actually cites, and whether it is a refusal (nothing retrieved was relevant enough, or the model said the sources
 * do not hold the answer).
 */
public record Answer(String text, List<Source> sources, List<Integer> cited, boolean refused) {
    public Answer {
        Objects.requireNonNull(text);
        sources = List.copyOf(sources);
        cited = List.copyOf(cited);
    }

    /** The answer given when no source is relevant: nothing to cite. */
    public static final String REFUSAL = "I don't know: the indexed documents do not say.";

    public static Answer refusal() {
        return new Answer(REFUSAL, List.of(), List.of(), true);
    }

    /** A numbered source: a retrieved chunk shown to the answerer as {@code [number]}. */
    public record Source(int number, ScoredChunk hit) {
        /** Where the source comes from, for people: its document, and its page or heading path when known. */
        public String label() {
            var c = hit.chunk();
            StringBuilder s = new StringBuilder(c.documentId());
            if (c.metadata().containsKey("page")) s.append(", page ").append(c.metadata().get("page"));
            if (c.metadata().containsKey("headings")) s.append(", ").append(c.metadata().get("headings"));
            return s.toString();
        }
    }

    static List<Source> number(List<ScoredChunk> hits) {
        return IntStream.range(0, hits.size()).mapToObj(i -> new Source(i + 1, hits.get(i))).toList();
    }
}
