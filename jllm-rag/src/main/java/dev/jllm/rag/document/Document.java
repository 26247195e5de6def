package dev.jllm.rag.document;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A document as a reader extracted it: its id (a file's path or a record's {@code _id}), title, text in sections
 * (one per PDF page, one for other formats) and metadata every chunk of it inherits ({@code type}: txt, md, html,
 * pdf, jsonl).
 */
public record Document(String id, String title, List<Section> sections, Map<String, String> metadata) {
    public Document {
        Objects.requireNonNull(id, "document id");
        title = title == null ? "" : title;
        sections = List.copyOf(sections);
        metadata = Map.copyOf(metadata);
    }

    /** A stretch of a document's text and what is known about where it lies ({@code page} for PDFs). */
    public record Section(String text, Map<String, String> metadata) {
        public Section {
            Objects.requireNonNull(text, "section text");
            metadata = Map.copyOf(metadata);
        }
    }
}
