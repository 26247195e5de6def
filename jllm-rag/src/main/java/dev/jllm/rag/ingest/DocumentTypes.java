package dev.jllm.rag.ingest;

import dev.jllm.rag.document.DocumentReader;
import dev.jllm.rag.document.HtmlReader;
import dev.jllm.rag.document.MarkdownReader;
import dev.jllm.rag.document.PdfReader;
import dev.jllm.rag.document.PlainTextReader;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Which reader handles a file, by its extension. JSONL files (BEIR corpora) are read record by record instead. */
final class DocumentTypes {
    private static final Map<String, DocumentReader> READERS = Map.of(
            "txt", new PlainTextReader(), "text", new PlainTextReader(),
            "md", new MarkdownReader(), "markdown", new MarkdownReader(),
            "html", new HtmlReader(), "htm", new HtmlReader(),
            "pdf", new PdfReader());

    private DocumentTypes() {}

    static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    static boolean isJsonl(Path file) {
        return extension(file).equals("jsonl");
    }

    static Optional<DocumentReader> reader(Path file) {
        return Optional.ofNullable(READERS.get(extension(file)));
    }

    static boolean supported(Path file) {
        return isJsonl(file) || READERS.containsKey(extension(file));
    }
}
