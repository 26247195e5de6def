package dev.jllm.rag.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Relevance judgments: query id to document id to grade. Reads BEIR's TSV ({@code query-id corpus-id score}, with
 * or without its header line) and TREC's qrels ({@code query-id iteration doc-id grade}), tab- or space-separated.
 */
public final class Qrels {
    private Qrels() {}

    public static Map<String, Map<String, Integer>> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read qrels " + file + ": " + e.getMessage(), e);
        }
        Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) continue;
            String[] f = line.split("\\s+");
            if (i == 0 && f.length == 3 && !isInteger(f[2])) continue; // BEIR's header
            if (f.length != 3 && f.length != 4) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected 'query doc grade' or 'query 0 doc grade', got '" + line + "'");
            }
            String grade = f[f.length - 1];
            if (!isInteger(grade)) throw new IllegalArgumentException(file + " line " + (i + 1) + ": grade '" + grade + "' is not an integer");
            qrels.computeIfAbsent(f[0], q -> new LinkedHashMap<>()).put(f[f.length - 2], Integer.parseInt(grade));
        }
        if (qrels.isEmpty()) throw new IllegalArgumentException(file + " holds no judgments");
        return qrels;
    }

    private static boolean isInteger(String s) {
        return s.matches("-?\\d+");
    }
}
