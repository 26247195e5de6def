package dev.jllm.rag.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jllm.api.EmbeddingModel;
import dev.jllm.rag.chunk.Chunkers;
import dev.jllm.rag.document.Pdfs;
import dev.jllm.rag.embed.EmbeddingModels;
import dev.jllm.rag.embed.OnnxBertEmbeddingModel;
import dev.jllm.rag.store.LuceneEmbeddingStore;
import dev.jllm.rag.store.ScoredChunk;
import dev.jllm.rag.store.StoreSettings;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngesterTest {
    static OnnxBertEmbeddingModel model;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        model = EmbeddingModels.load("minilm");
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static StoreSettings settings(EmbeddingModel m) {
        return new StoreSettings(m.name(), m.dimension());
    }

    /** Records what the ingest reports, as a progress bar would see it. */
    static final class RecordedProgress implements Progress {
        long total = -1, last = -1;
        boolean finished;

        @Override
        public void start(long total) {
            this.total = total;
        }

        @Override
        public void advance(long done) {
            assertThat(done).isGreaterThan(last);
            last = done;
        }

        @Override
        public void finish() {
            finished = true;
        }
    }

    IngestReport ingest(LuceneEmbeddingStore store, Path folder, EmbeddingModel m, Progress progress, int commitEvery) {
        return new Ingester(store, m, Chunkers.create("recursive", 64, 8, model.tokenization(), m), "recursive:64:8", 10_000_000,
                progress, commitEvery).ingest(folder);
    }

    IngestReport ingest(LuceneEmbeddingStore store, Path folder) {
        return ingest(store, folder, model, Progress.NONE, Ingester.COMMIT_EVERY);
    }

    static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    static List<String> sources(List<ScoredChunk> hits) {
        return hits.stream().map(h -> h.chunk().documentId()).distinct().toList();
    }

    @Test
    void badFilesAreReportedOneByOneAndTheRestIsIngested() throws Exception {
        Path docs = tmp.resolve("docs");
        write(docs.resolve("solar.txt"), "Solar panels turn sunlight into electric power on rooftops.");
        write(docs.resolve("guide/wind.md"), "# Wind\n\n## Turbines\nTurbines turn moving air into electric power.");
        write(docs.resolve("page.html"), "<html><head><title>Tides</title></head><body><nav>menu</nav><p>Tidal barrages use the sea.</p></body></html>");
        Files.write(docs.resolve("report.pdf"), Pdfs.pages("Heat report", "Heat pumps move warmth indoors.", "Geothermal wells reach hot rock."));
        write(docs.resolve("corpus.jsonl"), "{\"_id\": \"r1\", \"title\": \"Batteries\", \"text\": \"Lithium cells store charge.\"}\n"
                + "{\"_id\": \"r2\", \"text\": \"missing brace\"\n\n"
                + "{\"_id\": \"r3\", \"text\": \"Hydrogen can be burned or used in fuel cells.\"}\n");
        Files.write(docs.resolve("broken.pdf"), new byte[] {'%', 'P', 'D', 'F', '-', '1', '.', '4', '\n', 1, 2, 3});
        Files.write(docs.resolve("latin1.txt"), "café crème".getBytes(StandardCharsets.ISO_8859_1));
        Files.write(docs.resolve("empty.md"), new byte[0]);
        try (RandomAccessFile big = new RandomAccessFile(docs.resolve("huge.txt").toFile(), "rw")) {
            big.setLength(50_000_000); // a sparse 50 MB file, over the 10 MB limit of this ingest
        }
        write(docs.resolve("notes.docx"), "not a supported type");
        write(docs.resolve(".git/config.txt"), "hidden folders are skipped");

        RecordedProgress progress = new RecordedProgress();
        try (LuceneEmbeddingStore store = LuceneEmbeddingStore.openForWriting(tmp.resolve("index"), settings(model))) {
            IngestReport r = ingest(store, docs, model, progress, Ingester.COMMIT_EVERY);
            assertThat(r.failures()).hasSize(5).anySatisfy(f -> assertThat(f).startsWith(docs.resolve("broken.pdf") + ": not a readable PDF ("));
            assertThat(r.failures()).contains(
                    docs.resolve("latin1.txt") + ": invalid UTF-8 at byte 3 (0xe9); save it as UTF-8",
                    docs.resolve("empty.md") + ": is empty",
                    docs.resolve("huge.txt") + ": is 50.0 MB, over the 10.0 MB limit for one file (--max-file-mb)",
                    docs.resolve("corpus.jsonl") + " line 2: not JSON (Unexpected end-of-input: expected close marker for Object)");
            assertThat(r.added()).isEqualTo(6);
            assertThat(r.updated() + r.unchanged() + r.deleted()).isZero();
            assertThat(progress.total).isEqualTo(13 - 1 - 1); // 9 files + 3 JSONL records; the docx and the hidden file do not count
            assertThat(progress.last).isEqualTo(progress.total);
            assertThat(progress.finished).isTrue();

            assertThat(sources(store.lexicalSearch("geothermal", 3, null))).containsExactly(docs.resolve("report.pdf").toString());
            ScoredChunk pdfHit = store.lexicalSearch("geothermal", 1, null).getFirst();
            assertThat(pdfHit.chunk().metadata()).containsEntry("page", "2").containsEntry("type", "pdf");
            assertThat(pdfHit.chunk().title()).isEqualTo("Heat report");
            ScoredChunk md = store.lexicalSearch("turbines", 1, null).getFirst();
            assertThat(md.chunk().metadata()).containsEntry("type", "md");
            ScoredChunk record = store.lexicalSearch("lithium", 1, null).getFirst();
            assertThat(record.chunk().documentId()).isEqualTo("r1");
            assertThat(record.chunk().source()).isEqualTo(docs.resolve("corpus.jsonl") + "#r1");
            assertThat(store.lexicalSearch("menu", 3, null)).isEmpty();
            assertThat(store.vectorSearch(model.embedQuery("renewable power from the sun"), 1, null).getFirst().chunk().documentId())
                    .isEqualTo(docs.resolve("solar.txt").toString());
        }
    }

    @Test
    void reingestingSkipsUnchangedReplacesChangedAndDeletesRemoved() throws Exception {
        Path docs = tmp.resolve("docs");
        write(docs.resolve("a.txt"), "Alpha text about apples.");
        write(docs.resolve("b.txt"), "Beta text about bananas.");
        write(docs.resolve("c.jsonl"), "{\"_id\": \"1\", \"text\": \"Cherries are red.\"}\n{\"_id\": \"2\", \"text\": \"Dates are sweet.\"}\n");
        Path index = tmp.resolve("index");
        try (LuceneEmbeddingStore store = LuceneEmbeddingStore.openForWriting(index, settings(model))) {
            assertThat(ingest(store, docs).added()).isEqualTo(4);
            IngestReport again = ingest(store, docs);
            assertThat(again.unchanged()).isEqualTo(4);
            assertThat(again.added() + again.updated() + again.deleted() + again.chunks()).isZero();

            write(docs.resolve("a.txt"), "Alpha text about apricots now.");
            Files.delete(docs.resolve("b.txt"));
            write(docs.resolve("c.jsonl"), "{\"_id\": \"2\", \"text\": \"Dates are sweet.\"}\n{\"_id\": \"3\", \"text\": \"Elderberries grow wild.\"}\n");
            IngestReport changed = ingest(store, docs);
            assertThat(List.of(changed.added(), changed.updated(), changed.unchanged(), changed.deleted())).containsExactly(1, 1, 1, 2);
            assertThat(store.lexicalSearch("apples", 5, null)).isEmpty();
            assertThat(store.lexicalSearch("apricots", 5, null)).hasSize(1);
            assertThat(store.lexicalSearch("bananas", 5, null)).isEmpty();
            assertThat(store.lexicalSearch("cherries", 5, null)).isEmpty();
            assertThat(sources(store.lexicalSearch("elderberries", 5, null))).containsExactly("3");
            assertThat(store.sourceHashes()).hasSize(3);
        }
    }

    @Test
    void aFileThatBreaksKeepsItsEarlierChunks() throws Exception {
        Path docs = tmp.resolve("docs");
        write(docs.resolve("a.txt"), "Kiwis are fuzzy.");
        try (LuceneEmbeddingStore store = LuceneEmbeddingStore.openForWriting(tmp.resolve("index"), settings(model))) {
            ingest(store, docs);
            Files.write(docs.resolve("a.txt"), new byte[] {'K', (byte) 0xff, 'i'});
            IngestReport r = ingest(store, docs);
            assertThat(r.failures()).containsExactly(docs.resolve("a.txt") + ": invalid UTF-8 at byte 1 (0xff); save it as UTF-8");
            assertThat(r.deleted()).isZero();
            assertThat(store.lexicalSearch("kiwis", 5, null)).hasSize(1);
        }
    }

    @Test
    void anIngestCutShortLeavesWholeDocumentsAndARerunFinishesTheJob() throws Exception {
        Path corpus = write(tmp.resolve("corpus.jsonl"), IntStream.range(0, 30)
                .mapToObj(i -> "{\"_id\": \"d" + i + "\", \"text\": \"Document number " + i + " talks about topic " + (i % 4) + ".\"}")
                .collect(Collectors.joining("\n")));
        AtomicInteger calls = new AtomicInteger();
        EmbeddingModel failing = new EmbeddingModel() {
            @Override
            public String name() {
                return model.name();
            }

            @Override
            public int dimension() {
                return model.dimension();
            }

            @Override
            public List<float[]> embedAll(List<String> texts) {
                if (calls.incrementAndGet() > 2) throw new IllegalStateException("embedding service went away");
                return model.embedAll(texts);
            }
        };
        Path index = tmp.resolve("index");
        LuceneEmbeddingStore store = LuceneEmbeddingStore.openForWriting(index, settings(model));
        assertThatThrownBy(() -> ingest(store, corpus, failing, Progress.NONE, 10)).hasMessage("embedding service went away");
        store.rollback();
        try (LuceneEmbeddingStore reopened = LuceneEmbeddingStore.openForWriting(index, settings(model))) {
            Map<String, String> committed = reopened.sourceHashes();
            assertThat(committed).hasSize(20); // two commits of ten documents each
            IngestReport rerun = ingest(reopened, corpus);
            assertThat(List.of(rerun.added(), rerun.unchanged())).containsExactly(10, 20);
            List<String> all = new ArrayList<>(reopened.sourceHashes().keySet());
            assertThat(all).hasSize(30);
            assertThat(reopened.chunkCount()).isEqualTo(30);
        }
    }

    @Test
    void aStoreWithoutVectorsTakesNoModelAndAStoreWithVectorsNeedsOne() {
        try (LuceneEmbeddingStore text = LuceneEmbeddingStore.openForWriting(tmp.resolve("text"), StoreSettings.TEXT_ONLY)) {
            assertThatThrownBy(() -> new Ingester(text, model, Chunkers.create("none", 10, 0, null, null), "none", 1, Progress.NONE))
                    .hasMessage("the store holds no embeddings (text only) but the ingest uses all-minilm-l6-v2");
        }
        assertThatThrownBy(() -> ingestMissing()).hasMessage("no such file or folder: " + tmp.resolve("missing"));
    }

    private void ingestMissing() {
        try (LuceneEmbeddingStore s = LuceneEmbeddingStore.openForWriting(tmp.resolve("i2"), settings(model))) {
            ingest(s, tmp.resolve("missing"));
        }
    }
}
