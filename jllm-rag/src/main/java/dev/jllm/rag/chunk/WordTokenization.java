package dev.jllm.rag.chunk;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Tokens as BERT's pre-tokenizer sees them before WordPiece: runs of letters and digits, and each other symbol. */
public final class WordTokenization implements Tokenization {
    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}\\p{M}]+|[^\\p{L}\\p{N}\\p{M}\\s]");

    @Override
    public List<Span> spans(String text) {
        List<Span> spans = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) spans.add(new Span(m.start(), m.end()));
        return spans;
    }
}
