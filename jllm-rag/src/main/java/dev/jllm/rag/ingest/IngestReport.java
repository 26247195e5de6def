package dev.jllm.rag.ingest;

import java.util.List;

/**
 * What an ingest did: documents (files, or records of JSONL files) added, changed, unchanged (skipped by their
 * content hash), deleted (gone from the folder), the chunks written, and the documents that failed, each with a
 * message naming it and the problem.
 */
public record IngestReport(int added, int updated, int unchanged, int deleted, int chunks, List<String> failures,
                           double seconds) {
    public IngestReport {
        failures = List.copyOf(failures);
    }

    public double documentsPerSecond() {
        return seconds > 0 ? (added + updated) / seconds : 0;
    }
}
