package dev.jllm.rag.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on embedded Lucene, and what only an on-disk index has: commits, reopening, locking. */
class LuceneEmbeddingStoreTest extends EmbeddingStoreContract {
    @TempDir
    Path dir;

    @Override
    protected EmbeddingStore newStore() {
        return LuceneEmbeddingStore.openForWriting(dir.resolve("index"), SETTINGS);
    }

    @Override
    protected EmbeddingStore reopen() {
        return newStore();
    }

    @Test
    void onlyCommittedWritesSurviveACrashAndAReaderSeesOnlyCommits() {
        writeCorpus();
        store.replaceSource("f.txt", "h-f", List.of(chunk("f.txt", 0, "Uncommitted tidal power.", Map.of(), 0, 1, 1, 0)));
        try (LuceneEmbeddingStore reader = LuceneEmbeddingStore.openForReading(dir.resolve("index"))) {
            assertThat(reader.lexicalSearch("tidal", 5, null)).isEmpty();
            assertThat(reader.chunkCount()).isEqualTo(7);
            ((LuceneEmbeddingStore) store).rollback(); // as if the process died here
            store = LuceneEmbeddingStore.openForWriting(dir.resolve("index"), SETTINGS);
            assertThat(store.sourceHashes()).doesNotContainKey("f.txt").hasSize(5);
            store.replaceSource("f.txt", "h-f", List.of(chunk("f.txt", 0, "Committed tidal power.", Map.of(), 0, 1, 1, 0)));
            store.commit();
            // the open reader moves to the new commit at its next search
            assertThat(ids(reader.lexicalSearch("tidal", 5, null))).containsExactly("f.txt#0");
        }
    }

    @Test
    void anIndexRemembersItsModelAndRefusesAnother() {
        writeCorpus();
        store.close();
        assertThatThrownBy(() -> LuceneEmbeddingStore.openForWriting(dir.resolve("index"), new StoreSettings("other-model", 4)))
                .hasMessage("index " + dir.resolve("index") + " holds embeddings of contract-model (4 dimensions), but this run uses "
                        + "embeddings of other-model (4 dimensions); use another index or the same embedding model");
        try (LuceneEmbeddingStore reader = LuceneEmbeddingStore.openForReading(dir.resolve("index"))) {
            assertThat(reader.settings()).isEqualTo(SETTINGS);
        }
        store = newStore();
    }

    @Test
    void aSecondWriterIsToldTheIndexIsBusy() {
        assertThatThrownBy(() -> LuceneEmbeddingStore.openForWriting(dir.resolve("index"), SETTINGS))
                .hasMessageStartingWith("index " + dir.resolve("index") + " is being written by another process");
    }

    @Test
    void readingAMissingIndexSaysWhatToDo() {
        assertThatThrownBy(() -> LuceneEmbeddingStore.openForReading(dir.resolve("nothing")))
                .hasMessage("no index at " + dir.resolve("nothing") + " (run jllm rag ingest first)");
    }

    @Test
    void aTextOnlyIndexRefusesVectorSearch() {
        try (LuceneEmbeddingStore text = LuceneEmbeddingStore.openForWriting(dir.resolve("text"), StoreSettings.TEXT_ONLY)) {
            text.replaceSource("t", "h", List.of(new Chunk("t#0", "t", "t", "", "plain words", Map.of(), null)));
            text.commit();
            assertThat(ids(text.lexicalSearch("words", 3, null))).containsExactly("t#0");
            assertThat(text.lexicalSearch("words", 3, null).getFirst().chunk().vector()).isNull();
            assertThatThrownBy(() -> text.vectorSearch(new float[] {1}, 3, null)).hasMessageContaining("holds no embeddings");
        }
    }
}
