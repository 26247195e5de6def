package dev.jllm.rag.chunk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts markdown at its ATX headings ({@code #} to {@code ######}, not inside fenced code), so that no chunk spans two
 * sections; each chunk records its heading path ({@code "Install > Linux"}) in the {@code headings} metadata. A
 * section longer than {@code size} tokens is split further by the recursive chunker.
 */
public final class MarkdownHeadingChunker implements Chunker {
    private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})[ \\t]+(.*?)(?:[ \\t]+#+)?[ \\t]*$");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(```|~~~)");

    private final RecursiveChunker sections;

    public MarkdownHeadingChunker(int size, int overlap, Tokenization tokenization) {
        this.sections = new RecursiveChunker(size, overlap, tokenization);
    }

    @Override
    public String name() {
        return "markdown";
    }

    @Override
    public List<TextChunk> chunk(String text) {
        List<TextChunk> out = new ArrayList<>();
        String[] path = new String[6];
        String currentPath = "";
        int sectionStart = 0;
        String fence = null;
        int lineStart = 0;
        while (lineStart <= text.length()) {
            int lineEnd = text.indexOf('\n', lineStart);
            if (lineEnd < 0) lineEnd = text.length();
            String line = text.substring(lineStart, lineEnd);
            Matcher f = FENCE.matcher(line);
            if (f.find()) {
                if (fence == null) fence = f.group(1);
                else if (fence.equals(f.group(1))) fence = null;
            }
            Matcher h = fence == null ? HEADING.matcher(line) : null;
            if (h != null && h.matches()) {
                emit(text, sectionStart, lineStart, currentPath, out);
                int level = h.group(1).length();
                path[level - 1] = h.group(2).strip();
                for (int i = level; i < path.length; i++) path[i] = null;
                currentPath = join(path);
                sectionStart = lineStart;
            }
            lineStart = lineEnd + 1;
        }
        emit(text, sectionStart, text.length(), currentPath, out);
        return out;
    }

    private void emit(String text, int from, int to, String headings, List<TextChunk> out) {
        // a heading followed directly by a subheading has no text of its own; its name lives on in the path
        String body = text.substring(from, to).strip();
        if (body.isEmpty() || HEADING.matcher(body).matches()) return;
        for (Range r : sections.ranges(text, from, to)) {
            Range s = r.strip(text);
            if (s == null) continue;
            out.add(new TextChunk(text.substring(s.start(), s.end()), s.start(), headings.isEmpty() ? Map.of() : Map.of("headings", headings)));
        }
    }

    private static String join(String[] path) {
        List<String> parts = new ArrayList<>();
        for (String p : path) if (p != null && !p.isEmpty()) parts.add(p);
        return String.join(" > ", parts);
    }
}
