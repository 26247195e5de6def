package dev.jllm.rag.document;

import java.util.List;
import java.util.Map;

/** .txt files: strict UTF-8, the file name as title. */
public final class PlainTextReader implements DocumentReader {
    @Override
    public String type() {
        return "txt";
    }

    @Override
    public Document read(String name, byte[] bytes) throws DocumentException {
        String text = Utf8.decode(name, bytes);
        return new Document(name, fileName(name), List.of(new Document.Section(text, Map.of())), Map.of("type", type()));
    }

    static String fileName(String name) {
        int slash = name.lastIndexOf('/');
        return name.substring(slash + 1);
    }
}
