package dev.jllm.rag.retrieve;

import dev.jllm.rag.store.Filter;
import dev.jllm.rag.store.ScoredChunk;
import java.util.List;

/** Finds the chunks that best match a query, best first. */
@FunctionalInterface
public interface Retriever {
    /** At most {@code k} chunks, best first, among those {@code filter} admits (null: all). */
    List<ScoredChunk> retrieve(String query, int k, Filter filter);
}
