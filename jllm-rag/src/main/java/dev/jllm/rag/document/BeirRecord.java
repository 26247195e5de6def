package dev.jllm.rag.document;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;

/** One line of a BEIR corpus file ({@code {"_id": ..., "title": ..., "text": ...}}) as a document. */
public final class BeirRecord {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BeirRecord() {}

    /**
     * The document on line {@code lineNumber} of {@code file}.
     *
     * @throws DocumentException when the line is not a JSON object with a string {@code _id} and {@code text}
     */
    public static Document parse(String file, int lineNumber, String line) throws DocumentException {
        String where = file + " line " + lineNumber;
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            // Jackson's message ends with where in the input it stopped; the line number says enough
            throw new DocumentException(where, "not JSON (" + e.getOriginalMessage().replaceFirst("\\s*\\(start marker at .*|\\s+at \\[Source.*", "").strip() + ")");
        }
        if (node == null || !node.isObject()) throw new DocumentException(where, "not a JSON object");
        JsonNode id = node.get("_id");
        if (id == null || !(id.isTextual() || id.isIntegralNumber()) || id.asText().isEmpty()) {
            throw new DocumentException(where, "has no \"_id\" (BEIR corpus lines are {\"_id\", \"title\", \"text\"})");
        }
        JsonNode text = node.get("text");
        if (text == null || !text.isTextual()) throw new DocumentException(where, "has no string \"text\"");
        JsonNode title = node.get("title");
        String titleText = title != null && title.isTextual() ? title.asText() : "";
        if (text.asText().isBlank() && titleText.isBlank()) throw new DocumentException(where, "has an empty \"text\" and no title");
        return new Document(id.asText(), titleText, List.of(new Document.Section(text.asText(), Map.of())), Map.of("type", "jsonl"));
    }
}
