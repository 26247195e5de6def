package dev.jllm.rag.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link EmbeddingStore} must do, run against each implementation (embedded Lucene, SolrCloud) by a
 * subclass that says how to make an empty store of 4-dimensional vectors.
 */
public abstract class EmbeddingStoreContract {
    protected static final StoreSettings SETTINGS = new StoreSettings("contract-model", 4);

    protected EmbeddingStore store;

    /** A new, empty store with {@link #SETTINGS}. */
    protected abstract EmbeddingStore newStore();

    /** Another handle on the data of {@link #store}, after it was closed. */
    protected abstract EmbeddingStore reopen();

    @BeforeEach
    void open() {
        store = newStore();
    }

    @AfterEach
    void close() {
        store.close();
    }

    public static float[] unit(float... v) {
        double n = 0;
        for (float x : v) n += x * x;
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (float) (v[i] / Math.sqrt(n));
        return out;
    }

    public static Chunk chunk(String source, int n, String text, Map<String, String> metadata, float... vector) {
        return new Chunk(source + "#" + n, "doc:" + source, source, "Title of " + source, text, metadata, unit(vector));
    }

    protected void writeCorpus() {
        writeCorpus(store);
    }

    /** Five sources about different things, with metadata to filter on, committed. */
    public static void writeCorpus(EmbeddingStore store) {
        store.replaceSource("a.txt", "h-a", List.of(
                chunk("a.txt", 0, "Solar panels convert sunlight into electricity.", Map.of("type", "txt", "lang", "en"), 1, 0, 0, 0),
                chunk("a.txt", 1, "Panels degrade slowly over decades of sunlight.", Map.of("type", "txt", "lang", "en"), 0.9f, 0.1f, 0, 0)));
        store.replaceSource("b.pdf", "h-b", List.of(
                chunk("b.pdf", 0, "Wind turbines turn moving air into electricity.", Map.of("type", "pdf", "page", "1"), 0, 1, 0, 0),
                chunk("b.pdf", 1, "Turbine blades are long and light.", Map.of("type", "pdf", "page", "2"), 0, 0.9f, 0.1f, 0)));
        store.replaceSource("c.md", "h-c", List.of(
                chunk("c.md", 0, "Batteries store the electricity for the night.", Map.of("type", "md", "headings", "Storage"), 0, 0, 1, 0)));
        store.replaceSource("d.html", "h-d", List.of(
                chunk("d.html", 0, "The recipe needs flour, eggs and running water.", Map.of("type", "html"), 0, 0, 0, 1)));
        store.replaceSource("e.txt", "h-e", List.of(
                chunk("e.txt", 0, "A runner runs every morning before work.", Map.of("type", "txt", "lang", "fr"), 0.5f, 0, 0, 0.5f)));
        store.commit();
    }

    public static List<String> ids(List<ScoredChunk> hits) {
        return hits.stream().map(h -> h.chunk().id()).toList();
    }

    @Test
    void aChunkComesBackWithEverythingItWasWrittenWith() {
        writeCorpus();
        ScoredChunk hit = store.lexicalSearch("turbine blades", 1, null).getFirst();
        Chunk c = hit.chunk();
        assertThat(c.id()).isEqualTo("b.pdf#1");
        assertThat(c.documentId()).isEqualTo("doc:b.pdf");
        assertThat(c.source()).isEqualTo("b.pdf");
        assertThat(c.title()).isEqualTo("Title of b.pdf");
        assertThat(c.text()).isEqualTo("Turbine blades are long and light.");
        assertThat(c.metadata()).isEqualTo(Map.of("type", "pdf", "page", "2"));
        assertThat(c.vector()).containsExactly(unit(0, 0.9f, 0.1f, 0), within(1e-6f));
        assertThat(hit.score()).isPositive();
        assertThat(store.chunkCount()).isEqualTo(7);
        assertThat(store.settings()).isEqualTo(SETTINGS);
    }

    @Test
    void lexicalSearchRanksByBm25WithEnglishStemming() {
        writeCorpus();
        // "electricity" is in three chunks and "sunlight" in a.txt's two; the first chunk has both
        assertThat(ids(store.lexicalSearch("sunlight electricity", 10, null))).hasSize(4).startsWith("a.txt#0", "a.txt#1");
        // stems: "runs", "runner", "running" and "run" all meet at "run"
        assertThat(ids(store.lexicalSearch("run", 5, null))).containsExactlyInAnyOrder("e.txt#0", "d.html#0");
        // only stop words: nothing to match
        assertThat(store.lexicalSearch("the and of", 5, null)).isEmpty();
        // the title is searched too
        assertThat(ids(store.lexicalSearch("title", 10, null))).hasSize(7);
    }

    @Test
    void vectorSearchReturnsTheNearestChunksScoredByCosine() {
        writeCorpus();
        List<ScoredChunk> hits = store.vectorSearch(unit(1, 0, 0, 0), 3, null);
        assertThat(ids(hits)).containsExactly("a.txt#0", "a.txt#1", "e.txt#0");
        assertThat(hits.get(0).score()).isCloseTo(1.0, within(1e-5));
        assertThat(hits.get(2).score()).isCloseTo(Math.sqrt(0.5), within(1e-5));
        assertThatThrownBy(() -> store.vectorSearch(new float[] {1, 0, 0}, 3, null)).hasMessageContaining("3 dimensions");
    }

    @Test
    void filtersRestrictBothSearches() {
        writeCorpus();
        Filter pdf = new Filter.Equals("type", "pdf");
        assertThat(ids(store.lexicalSearch("electricity", 10, pdf))).containsExactly("b.pdf#0");
        assertThat(ids(store.vectorSearch(unit(1, 0, 0, 0), 10, pdf))).containsExactlyInAnyOrder("b.pdf#0", "b.pdf#1");
        Filter notTxt = new Filter.Not(new Filter.Equals("type", "txt"));
        assertThat(ids(store.lexicalSearch("electricity", 10, notTxt))).containsExactlyInAnyOrder("b.pdf#0", "c.md#0");
        Filter mdOrHtml = new Filter.In("type", Set.of("md", "html"));
        assertThat(ids(store.vectorSearch(unit(1, 1, 1, 1), 10, mdOrHtml))).containsExactlyInAnyOrder("c.md#0", "d.html#0");
        Filter englishText = new Filter.And(List.of(new Filter.Equals("type", "txt"), new Filter.Equals("lang", "en")));
        assertThat(ids(store.vectorSearch(unit(0, 0, 0, 1), 10, englishText))).containsExactlyInAnyOrder("a.txt#0", "a.txt#1");
        Filter page2OrStorage = new Filter.Or(List.of(new Filter.Equals("page", "2"), new Filter.Equals("headings", "Storage")));
        assertThat(ids(store.lexicalSearch("turbine electricity blades batteries", 10, page2OrStorage))).containsExactlyInAnyOrder("b.pdf#1", "c.md#0");
        assertThat(ids(store.lexicalSearch("electricity", 10, new Filter.Equals("source", "c.md")))).containsExactly("c.md#0");
        assertThat(ids(store.vectorSearch(unit(1, 0, 0, 0), 10, new Filter.Equals("document_id", "doc:e.txt")))).containsExactly("e.txt#0");
        assertThat(store.lexicalSearch("electricity", 10, new Filter.Equals("type", "docx"))).isEmpty();
    }

    @Test
    void filtersSelectWhatTheirDefinitionSelects() {
        writeCorpus();
        // every chunk's title holds the word "title": a lexical search for it returns the whole corpus
        List<ScoredChunk> all = store.lexicalSearch("title", 100, null);
        assertThat(all).hasSize(7);
        List<Filter> filters = List.of(new Filter.Equals("type", "txt"), new Filter.Equals("page", "1"),
                new Filter.In("type", Set.of("pdf", "html", "docx")), new Filter.Not(new Filter.Equals("lang", "en")),
                new Filter.And(List.of(new Filter.Equals("type", "txt"), new Filter.Not(new Filter.Equals("lang", "fr")))),
                new Filter.Or(List.of(new Filter.Equals("source", "c.md"), new Filter.Equals("document_id", "doc:d.html"))),
                Filter.parse("type=txt|md, lang!=en"));
        for (Filter f : filters) {
            List<String> expected = all.stream().filter(h -> f.test(h.chunk())).map(h -> h.chunk().id()).toList();
            assertThat(ids(store.lexicalSearch("title", 100, f))).as("%s", f).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(ids(store.vectorSearch(unit(1, 1, 1, 1), 100, f))).as("%s", f).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void replacingASourceSwapsAllItsChunksAndItsHash() {
        writeCorpus();
        store.replaceSource("a.txt", "h-a2", List.of(chunk("a.txt", 0, "Geothermal heat from deep wells.", Map.of("type", "txt"), 1, 0, 0, 0)));
        store.commit();
        assertThat(store.lexicalSearch("sunlight", 10, null)).isEmpty();
        assertThat(ids(store.lexicalSearch("geothermal", 10, null))).containsExactly("a.txt#0");
        assertThat(store.chunkCount()).isEqualTo(6);
        assertThat(store.sourceHashes()).containsEntry("a.txt", "h-a2").hasSize(5);
    }

    @Test
    void deletingASourceRemovesItsChunksAndHash() {
        writeCorpus();
        store.deleteSource("b.pdf");
        store.replaceSource("c.md", "h-c", List.of());
        store.commit();
        assertThat(store.sourceHashes()).isEqualTo(Map.of("a.txt", "h-a", "d.html", "h-d", "e.txt", "h-e"));
        assertThat(store.lexicalSearch("turbine", 10, null)).isEmpty();
        assertThat(ids(store.vectorSearch(unit(0, 1, 0, 0), 10, null))).doesNotContain("b.pdf#0", "b.pdf#1", "c.md#0").hasSize(4);
        store.deleteSource("never-written");
        store.commit();
        assertThat(store.chunkCount()).isEqualTo(4);
    }

    @Test
    void closingCommitsWhatIsPending() {
        store.replaceSource("a.txt", "h-a", List.of(chunk("a.txt", 0, "Pending when closed.", Map.of(), 1, 0, 0, 0)));
        store.close();
        store = reopen();
        assertThat(store.sourceHashes()).isEqualTo(Map.of("a.txt", "h-a"));
        assertThat(ids(store.lexicalSearch("pending", 5, null))).containsExactly("a.txt#0");
    }

    @Test
    void kLimitsTheHitsAndMustBePositive() {
        writeCorpus();
        assertThat(store.vectorSearch(unit(1, 1, 1, 1), 2, null)).hasSize(2);
        assertThat(store.vectorSearch(unit(1, 1, 1, 1), 100, null)).hasSize(7);
        assertThat(store.lexicalSearch("electricity", 1, null)).hasSize(1);
        assertThatThrownBy(() -> store.lexicalSearch("electricity", 0, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aChunkMustCarryAVectorOfTheStoresDimension() {
        Chunk noVector = new Chunk("x#0", "x", "x", "", "text", Map.of(), null);
        assertThatThrownBy(() -> store.replaceSource("x", "h", List.of(noVector))).hasMessageContaining("needs a 4-dimensional vector");
        Chunk otherSource = chunk("y", 0, "text", Map.of(), 1, 0, 0, 0);
        assertThatThrownBy(() -> store.replaceSource("x", "h", List.of(otherSource))).hasMessageContaining("belongs to y, not x");
    }
}
