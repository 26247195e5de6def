package dev.jllm.rag.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.rag.chunk.Chunkers;
import dev.jllm.rag.embed.EmbeddingModels;
import dev.jllm.rag.embed.OnnxBertEmbeddingModel;
import dev.jllm.rag.store.LuceneEmbeddingStore;
import dev.jllm.rag.store.StoreSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.MultiBits;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real crash: an ingest in a child JVM is killed (SIGKILL) after its first commits. The index it leaves holds
 * whole documents only, every one with all its chunks, and a rerun adds exactly the rest.
 */
class IngestKillTest {
    static final String CHUNKING = "recursive:16:0";
    static final int DOCUMENTS = 400;

    @TempDir
    Path tmp;

    /** Each record's text: several sentences, so several chunks of 16 tokens. */
    static String text(int i) {
        return "Record " + i + " opens here. It talks about subject " + (i % 7) + " at some length. Then it turns to subject "
                + (i % 11) + " and says more. Finally record " + i + " ends with a closing remark about both.";
    }

    /** Chunks per source in the committed index, read with Lucene directly. */
    static Map<String, Integer> chunksPerSource(Path index) throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        try (var dir = FSDirectory.open(index); DirectoryReader reader = DirectoryReader.open(dir)) {
            StoredFields stored = reader.storedFields();
            Bits live = MultiBits.getLiveDocs(reader);
            for (int doc = 0; doc < reader.maxDoc(); doc++) {
                if (live == null || live.get(doc)) counts.merge(stored.document(doc).get("source"), 1, Integer::sum);
            }
        }
        return counts;
    }

    @Test
    void aKilledIngestLeavesWholeDocumentsAndARerunAddsTheRest() throws Exception {
        Path corpus = Files.writeString(tmp.resolve("corpus.jsonl"), IntStream.range(0, DOCUMENTS)
                .mapToObj(i -> "{\"_id\": \"r" + i + "\", \"text\": \"" + text(i) + "\"}").collect(Collectors.joining("\n")));
        Path index = tmp.resolve("index");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                KilledIngest.class.getName(), index.toString(), corpus.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("child.log").toFile()).start();
        try {
            // wait for a few commits (ten documents each), then kill it mid-flight
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (System.nanoTime() < deadline && child.isAlive() && committedSources(index) < 30) Thread.sleep(50);
            assertThat(child.isAlive()).as("the child ended before it was killed: %s", Files.readString(tmp.resolve("child.log"))).isTrue();
            child.destroyForcibly().waitFor();
        } finally {
            child.destroyForcibly();
        }

        Map<String, Integer> survived = chunksPerSource(index);
        assertThat(survived.size()).isBetween(30, DOCUMENTS - 1);
        try (OnnxBertEmbeddingModel model = EmbeddingModels.load("minilm")) {
            var chunker = Chunkers.create("recursive", 16, 0, model.tokenization(), model);
            for (var e : survived.entrySet()) {
                int record = Integer.parseInt(e.getKey().substring(e.getKey().lastIndexOf("#r") + 2));
                assertThat(e.getValue()).as(e.getKey()).isEqualTo(chunker.chunk(text(record)).size());
            }
            try (LuceneEmbeddingStore store = LuceneEmbeddingStore.openForWriting(index, new StoreSettings(model.name(), model.dimension()))) {
                IngestReport rerun = new Ingester(store, model, chunker, CHUNKING, 10_000_000, Progress.NONE).ingest(corpus);
                assertThat(List.of(rerun.unchanged(), rerun.added(), rerun.updated())).containsExactly(survived.size(), DOCUMENTS - survived.size(), 0);
            }
        }
        assertThat(chunksPerSource(index)).hasSize(DOCUMENTS);
    }

    private static int committedSources(Path index) {
        try (var dir = FSDirectory.open(index)) {
            if (!DirectoryReader.indexExists(dir)) return 0;
            try (DirectoryReader reader = DirectoryReader.open(dir)) {
                return sources(reader).size();
            }
        } catch (Exception e) {
            return 0; // the child is between writing a commit's files
        }
    }

    private static Set<String> sources(DirectoryReader reader) throws Exception {
        StoredFields stored = reader.storedFields();
        Set<String> sources = new HashSet<>();
        for (int doc = 0; doc < reader.maxDoc(); doc++) sources.add(stored.document(doc).get("source"));
        return sources;
    }
}
