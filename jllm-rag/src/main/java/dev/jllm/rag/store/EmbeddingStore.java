package dev.jllm.rag.store;

import java.util.List;
import java.util.Map;

/**
 * Where chunks, their embeddings and their sources' content hashes live. A source (a file, or a record of a JSONL
 * file) is the unit of change: its chunks are replaced together, atomically, so a reader or a crash never sees half
 * of them. Writes become visible to searches, and durable, at {@link #commit()}.
 */
public interface EmbeddingStore extends AutoCloseable {
    /** The embedding model the vectors come from, and their dimension (0: the store holds no vectors). */
    StoreSettings settings();

    /** Replaces every chunk of {@code source} with {@code chunks} (none: deletes the source), recording its hash. */
    void replaceSource(String source, String contentHash, List<Chunk> chunks);

    void deleteSource(String source);

    /** The content hash of every source written so far. */
    Map<String, String> sourceHashes();

    /** Makes every write so far durable and visible. */
    void commit();

    /** The {@code k} best chunks for {@code query} by BM25, among those the filter admits (null: all). */
    List<ScoredChunk> lexicalSearch(String query, int k, Filter filter);

    /** The {@code k} nearest chunks to a unit-length vector (scores are cosine similarities). */
    List<ScoredChunk> vectorSearch(float[] vector, int k, Filter filter);

    long chunkCount();

    @Override
    void close();
}
