package dev.jllm.rag.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.jllm.rag.chunk.Tokenization;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The batched runner against LangChain4j's own one-text-at-a-time runner of the same bundled files (for texts within
 * the models' length limits the two must agree), and the properties batching and truncation must keep.
 */
class OnnxBertEmbeddingModelTest {
    static final List<String> TEXTS = List.of(
            "The cat sat on the mat.",
            "Vitamin D deficiency is associated with an increased risk of respiratory infections in children.",
            "Ångström-scale résumé: naïve café owners' über-cool CO2 emissions (≈ 3.5 t/yr).",
            "A",
            "Retrieval-augmented generation combines a search index with a language model so that answers can cite "
                    + "their sources. Documents are split into chunks, embedded, and stored in a vector index.");

    static OnnxBertEmbeddingModel minilm;
    static OnnxBertEmbeddingModel bge;

    @BeforeAll
    static void load() {
        minilm = EmbeddingModels.load("minilm");
        bge = EmbeddingModels.load("bge-small");
    }

    @AfterAll
    static void close() {
        minilm.close();
        bge.close();
    }

    @Test
    void miniLmAgreesWithLangChain4jsRunner() {
        var reference = new AllMiniLmL6V2EmbeddingModel();
        List<float[]> ours = minilm.embedAll(TEXTS);
        for (int i = 0; i < TEXTS.size(); i++) {
            assertClose(ours.get(i), reference.embed(TEXTS.get(i)).content().vector(), 2e-5f);
        }
        assertThat(minilm.dimension()).isEqualTo(384);
    }

    @Test
    void bgeAgreesWithLangChain4jsRunnerAndAddsItsQueryInstruction() {
        var reference = new BgeSmallEnV15QuantizedEmbeddingModel();
        List<float[]> ours = bge.embedAll(TEXTS);
        for (int i = 0; i < TEXTS.size(); i++) {
            assertClose(ours.get(i), reference.embed(TEXTS.get(i)).content().vector(), 2e-5f);
        }
        String query = "what causes respiratory infections?";
        assertClose(bge.embedQuery(query),
                reference.embed("Represent this sentence for searching relevant passages: " + query).content().vector(), 2e-5f);
        assertThat(bge.dimension()).isEqualTo(384);
    }

    @Test
    void aTextEmbedsTheSameAloneAsInAPaddedBatch() {
        List<float[]> batch = minilm.embedAll(TEXTS);
        for (int i = 0; i < TEXTS.size(); i++) assertClose(batch.get(i), minilm.embed(TEXTS.get(i)), 1e-5f);
    }

    @Test
    void vectorsHaveUnitLengthAndSimilarMeaningsLieCloser() {
        List<float[]> v = minilm.embedAll(List.of("A man is playing a guitar.", "Someone plays an instrument.",
                "The stock market fell sharply today."));
        for (float[] x : v) assertThat(dot(x, x)).isCloseTo(1.0, within(1e-5));
        assertThat(dot(v.get(0), v.get(1))).isGreaterThan(dot(v.get(0), v.get(2)) + 0.2);
    }

    @Test
    void longTextsAreCutAtTheModelsLimitAsSentenceTransformersDoes() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 4000; i++) text.append("Sentence number ").append(i).append(" talks about topic ").append(i % 7).append(". ");
        Tokenization tokens = minilm.tokenization();
        List<Tokenization.Span> spans = tokens.spans(text.toString());
        assertThat(spans.size()).isGreaterThan(600);
        // 256 tokens with [CLS] and [SEP]: the first 254 text tokens count
        String kept = text.substring(0, spans.get(253).end());
        assertClose(minilm.embed(text.toString()), minilm.embed(kept), 1e-5f);
        assertThat(minilm.tokenCount(kept)).isEqualTo(256);
    }

    @Test
    void tokenSpansPointAtTheOriginalCharacters() {
        String text = "Ångström über naïve CO2, don't!";
        List<String> pieces = new ArrayList<>();
        for (Tokenization.Span s : minilm.tokenization().spans(text)) pieces.add(text.substring(s.start(), s.end()));
        assertThat(String.join("", pieces)).isEqualTo(text.replace(" ", ""));
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    static void assertClose(float[] actual, float[] expected, float tolerance) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) assertThat(actual[i]).as("component %d", i).isCloseTo(expected[i], within(tolerance));
    }
}
