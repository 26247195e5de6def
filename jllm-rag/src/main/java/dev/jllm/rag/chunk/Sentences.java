package dev.jllm.rag.chunk;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Sentence boundaries by the JDK's {@link BreakIterator} (Unicode's rules), as ranges that cover the text. */
final class Sentences {
    private Sentences() {}

    static List<Range> of(String text, int from, int to, Tokenization tokenization) {
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ENGLISH);
        String part = text.substring(from, to);
        it.setText(part);
        List<Range> out = new ArrayList<>();
        for (int start = it.first(), end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            if (!part.substring(start, end).isBlank()) out.add(new Range(from + start, from + end, tokenization.count(part.substring(start, end))));
        }
        return out;
    }
}
