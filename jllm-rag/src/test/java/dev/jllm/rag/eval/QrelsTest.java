package dev.jllm.rag.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QrelsTest {
    @TempDir
    Path dir;

    @Test
    void readsBeirTsvWithItsHeaderAndTrecQrels() throws Exception {
        Path beir = Files.writeString(dir.resolve("test.tsv"), "query-id\tcorpus-id\tscore\n1\t31715818\t1\n1\t42\t2\n3\t14717500\t1\n");
        assertThat(Qrels.read(beir)).isEqualTo(Map.of("1", Map.of("31715818", 1, "42", 2), "3", Map.of("14717500", 1)));
        Path trec = Files.writeString(dir.resolve("qrels.txt"), "q1 0 d1 0\nq1 0 d2 3\n\n");
        assertThat(Qrels.read(trec)).isEqualTo(Map.of("q1", Map.of("d1", 0, "d2", 3)));
    }

    @Test
    void aMalformedLineIsNamed() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.tsv"), "1\t2\t1\n1\t3\tx\n");
        assertThatThrownBy(() -> Qrels.read(bad)).hasMessage(bad + " line 2: grade 'x' is not an integer");
        Path short_ = Files.writeString(dir.resolve("short.tsv"), "1 2 1\n1 3\n");
        assertThatThrownBy(() -> Qrels.read(short_)).hasMessageContaining("line 2: expected 'query doc grade'");
    }

    @Test
    void queriesComeFromBeirJsonl() throws Exception {
        Path q = Files.writeString(dir.resolve("queries.jsonl"), "{\"_id\": \"0\", \"text\": \"first\", \"metadata\": {}}\n{\"_id\": 7, \"text\": \"second\"}\n");
        assertThat(BeirQueries.read(q)).containsExactly(Map.entry("0", "first"), Map.entry("7", "second"));
    }
}
