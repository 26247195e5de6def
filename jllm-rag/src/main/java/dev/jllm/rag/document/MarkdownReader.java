package dev.jllm.rag.document;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** .md files: strict UTF-8, kept as written (the markdown chunker reads the headings); the first level-1 heading as title. */
public final class MarkdownReader implements DocumentReader {
    private static final Pattern H1 = Pattern.compile("(?m)^ {0,3}#[ \\t]+(.+?)[ \\t#]*$");

    @Override
    public String type() {
        return "md";
    }

    @Override
    public Document read(String name, byte[] bytes) throws DocumentException {
        String text = Utf8.decode(name, bytes);
        Matcher h1 = H1.matcher(text);
        String title = h1.find() ? h1.group(1).strip() : PlainTextReader.fileName(name);
        return new Document(name, title, List.of(new Document.Section(text, Map.of())), Map.of("type", type()));
    }
}
