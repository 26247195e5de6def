package dev.jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jllm.engine.testing.SharedFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `jllm rag` end to end: ingest a folder, search it, ask it, and evaluate on a slice of SciFact. */
class RagCommandsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path docs, index;
    static CommandRun ingested;

    @BeforeAll
    static void ingest() throws IOException {
        docs = Files.createDirectories(tmp.resolve("docs"));
        Files.writeString(docs.resolve("tower.txt"), "The Eiffel Tower was completed in 1889. It stands on the Champ de Mars in Paris.");
        Files.writeString(docs.resolve("mountains.md"), "# Mountains\n\n## Everest\nMount Everest's summit is 8,849 metres above sea level.\n\n"
                + "## K2\nK2 is the second-highest mountain on Earth.\n");
        try (PDDocument pdf = new PDDocument()) {
            PDPage page = new PDPage();
            pdf.addPage(page);
            try (PDPageContentStream cs = new PDPageContentStream(pdf, page)) {
                cs.beginText();
                cs.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                cs.newLineAtOffset(72, 700);
                cs.showText("Photosynthesis in plants releases oxygen into the air.");
                cs.endText();
            }
            pdf.save(docs.resolve("plants.pdf").toFile());
        }
        Files.write(docs.resolve("broken.pdf"), "%PDF-1.4 garbage".getBytes(StandardCharsets.US_ASCII));
        index = tmp.resolve("index");
        ingested = CommandRun.of("rag", "ingest", docs.toString(), "--index", index.toString(), "--chunker", "markdown");
    }

    @Test
    void ingestReportsWhatItDidAndTheFileItCouldNotRead() {
        assertThat(ingested.exitCode()).as(ingested.err()).isEqualTo(3);
        assertThat(ingested.out()).startsWith(docs + " -> " + index + ": 3 added, 0 changed, 0 unchanged, 0 deleted, 1 failed; 4 chunks in ");
        assertThat(ingested.err()).contains("failed: " + docs.resolve("broken.pdf") + ": not a readable PDF (");
        assertThat(ingested.err()).contains("docs/s").contains("[##############################] 4/4 docs");
        CommandRun again = CommandRun.of("rag", "ingest", docs.toString(), "--index", index.toString(), "--chunker", "markdown");
        assertThat(again.out()).contains("0 added, 0 changed, 3 unchanged, 0 deleted, 1 failed; 0 chunks");
    }

    @Test
    void searchFindsChunksWithTheirMetadataAndHonoursFilters() throws IOException {
        CommandRun run = CommandRun.of("rag", "search", "how tall is Everest", "--index", index.toString(), "-k", "2", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = JSON.readTree(run.out());
        assertThat(json.get("mode").asText()).isEqualTo("hybrid (convex, dense weight 0.5)");
        JsonNode first = json.get("results").get(0);
        assertThat(first.get("document_id").asText()).isEqualTo(docs.resolve("mountains.md").toString());
        assertThat(first.get("metadata").get("headings").asText()).isEqualTo("Mountains > Everest");
        assertThat(first.get("text").asText()).isEqualTo("## Everest\nMount Everest's summit is 8,849 metres above sea level.");

        CommandRun pdfOnly = CommandRun.of("rag", "search", "oxygen", "--index", index.toString(), "--mode", "bm25", "--filter", "type=pdf");
        assertThat(pdfOnly.out()).startsWith("1. [").contains(docs.resolve("plants.pdf") + " page 1").contains("Photosynthesis in plants");
        assertThat(pdfOnly.out()).doesNotContain("2. [");
        CommandRun none = CommandRun.of("rag", "search", "oxygen", "--index", index.toString(), "--filter", "type=docx");
        assertThat(none.out()).isEqualTo("no matches\n");
    }

    @Test
    void askQuotesAndCitesItsSourceOrRefuses() throws IOException {
        CommandRun run = CommandRun.of("rag", "ask", "When was the Eiffel Tower completed?", "--index", index.toString(), "--sentences", "1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("The Eiffel Tower was completed in 1889. [1]\n\n[1] " + docs.resolve("tower.txt") + "\n");
        CommandRun refused = CommandRun.of("rag", "ask", "What is a good recipe for lasagne?", "--index", index.toString(), "--json");
        JsonNode json = JSON.readTree(refused.out());
        assertThat(json.get("refused").asBoolean()).isTrue();
        assertThat(json.get("sources")).isEmpty();
    }

    @Test
    void askWithALocalModelPutsTheSourcesInItsPrompt() throws IOException {
        // stories260K writes children's stories, not answers; this proves the path from retrieval to the engine and back
        CommandRun run = CommandRun.of("rag", "ask", "When was the Eiffel Tower completed?", "--index", index.toString(),
                "-m", Stories260K.model().toString(), "-n", "8", "--llm-rerank", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = JSON.readTree(run.out());
        assertThat(json.get("answer").asText()).isNotEmpty();
        assertThat(json.get("sources").get(0).get("label").asText()).isEqualTo(docs.resolve("tower.txt").toString());
    }

    @Test
    void badArgumentsAreOneLineErrors() {
        CommandRun missing = CommandRun.of("rag", "search", "q", "--index", tmp.resolve("nowhere").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("jllm: no index at " + tmp.resolve("nowhere") + " (run jllm rag ingest first)\n");
        CommandRun chunker = CommandRun.of("rag", "ingest", docs.toString(), "--index", tmp.resolve("other").toString(), "--chunker", "words");
        assertThat(chunker.err()).isEqualTo("jllm: unknown chunker 'words'; choose one of recursive, fixed, sentence, markdown, semantic, none\n");
        CommandRun mode = CommandRun.of("rag", "search", "q", "--index", index.toString(), "--mode", "sparse");
        assertThat(mode.err()).isEqualTo("jllm: unknown search mode 'sparse'; choose bm25, dense or hybrid\n");
        CommandRun model = CommandRun.of("rag", "ingest", docs.toString(), "--index", index.toString(), "--embedding", "bge-small");
        assertThat(model.err()).startsWith("jllm: index " + index + " holds embeddings of all-minilm-l6-v2 (384 dimensions), but this run uses embeddings of bge-small-en-v1.5-q");
    }

    /**
     * A slice of BEIR SciFact's test split: its first 8 judged queries, their relevant abstracts, and the first 40
     * other abstracts of the corpus.
     */
    static Path[] scifactSlice() throws IOException {
        Path scifact = SharedFiles.file("data/scifact");
        List<String> qrels = Files.readAllLines(scifact.resolve("qrels/test.tsv"));
        Set<String> queries = new LinkedHashSet<>();
        Set<String> relevant = new LinkedHashSet<>();
        List<String> kept = new ArrayList<>(List.of(qrels.getFirst()));
        for (String line : qrels.subList(1, qrels.size())) {
            String[] f = line.split("\t");
            if (queries.size() == 8 && !queries.contains(f[0])) break;
            queries.add(f[0]);
            relevant.add(f[1]);
            kept.add(line);
        }
        List<String> corpus = new ArrayList<>();
        int others = 0;
        try (Stream<String> lines = Files.lines(scifact.resolve("corpus.jsonl"))) {
            for (String line : (Iterable<String>) lines::iterator) {
                String id = JSON.readTree(line).get("_id").asText();
                if (relevant.contains(id) || others++ < 40) corpus.add(line);
            }
        }
        Path dir = Files.createDirectories(tmp.resolve("scifact"));
        return new Path[] {Files.write(dir.resolve("corpus.jsonl"), corpus), scifact.resolve("queries.jsonl"), Files.write(dir.resolve("qrels.tsv"), kept)};
    }

    @Test
    void evalScoresEachModeOnASciFactSlice() throws IOException {
        Path[] slice = scifactSlice();
        Path evalIndex = tmp.resolve("scifact-index");
        double[] ndcg = new double[3];
        String[] modes = {"bm25", "dense", "hybrid"};
        for (int i = 0; i < modes.length; i++) {
            CommandRun run = CommandRun.of("rag", "eval", "--corpus", slice[0].toString(), "--queries", slice[1].toString(),
                    "--qrels", slice[2].toString(), "--mode", modes[i], "--index", evalIndex.toString(), "--json", "--per-query");
            assertThat(run.exitCode()).as(run.err()).isZero();
            JsonNode json = JSON.readTree(run.out());
            assertThat(json.fieldNames()).toIterable().startsWith("ndcg@10", "recall@100", "mrr@10", "map");
            assertThat(json.get("queries").asInt()).isEqualTo(8);
            assertThat(json.get("per_query")).hasSize(8);
            double mean = 0;
            for (JsonNode q : json.get("per_query")) mean += q.get("ndcg@10").asDouble();
            assertThat(mean / 8).isCloseTo(json.get("ndcg@10").asDouble(), within(1e-12));
            ndcg[i] = json.get("ndcg@10").asDouble();
        }
        // on so small a collection every mode finds most relevant abstracts (the full collection's figures are in the README)
        for (double n : ndcg) assertThat(n).isGreaterThan(0.6);
        CommandRun table = CommandRun.of("rag", "eval", "--corpus", slice[0].toString(), "--queries", slice[1].toString(),
                "--qrels", slice[2].toString(), "--mode", "bm25");
        assertThat(table.out()).startsWith("8 queries, bm25, embedding none, chunker none:256:32\n| metric | value |\n")
                .containsPattern("\\| nDCG@10 \\| 0\\.\\d{4} \\|\n\\| Recall@100 \\| ");
    }
}
