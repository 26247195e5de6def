package dev.jllm.rag.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A BEIR queries file: one {@code {"_id": ..., "text": ...}} per line. */
public final class BeirQueries {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BeirQueries() {}

    /** Query id to text, in file order. */
    public static Map<String, String> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read queries " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> queries = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            JsonNode node;
            try {
                node = JSON.readTree(lines.get(i));
            } catch (IOException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": not JSON", e);
            }
            if (node == null || !node.hasNonNull("_id") || !node.hasNonNull("text")) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected {\"_id\": ..., \"text\": ...}");
            }
            queries.put(node.get("_id").asText(), node.get("text").asText());
        }
        return queries;
    }
}
