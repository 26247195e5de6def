package dev.jllm.rag.store;

import java.util.Map;
import java.util.Objects;

/**
 * A piece of a document as a store holds it: its own id, the document it comes from ({@code documentId}: a file's
 * path or a record's id), the ingest source that owns it ({@code source}: a file, or one record of a JSONL file),
 * the document's title, the chunk's text, its metadata (page, heading path, file type, ...), and its unit-length
 * embedding (null in a store without embeddings).
 */
public record Chunk(String id, String documentId, String source, String title, String text,
                    Map<String, String> metadata, float[] vector) {
    public Chunk {
        Objects.requireNonNull(id, "chunk id");
        Objects.requireNonNull(documentId, "chunk document id");
        Objects.requireNonNull(source, "chunk source");
        title = title == null ? "" : title;
        Objects.requireNonNull(text, "chunk text");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** What is embedded for a chunk: its document's title and its text, as BEIR's dense baselines embed documents. */
    public String embeddingText() {
        return title.isEmpty() ? text : title + " " + text;
    }

    public Chunk withVector(float[] v) {
        return new Chunk(id, documentId, source, title, text, metadata, v);
    }
}
