package dev.jllm.rag.answer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.api.ChatMessage;
import dev.jllm.api.ChatRequest;
import dev.jllm.api.ChatResponse;
import dev.jllm.rag.embed.EmbeddingModels;
import dev.jllm.rag.embed.OnnxBertEmbeddingModel;
import dev.jllm.rag.retrieve.Vectors;
import dev.jllm.rag.store.Chunk;
import dev.jllm.rag.store.ScoredChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AnswerersTest {
    static OnnxBertEmbeddingModel model;

    @BeforeAll
    static void load() {
        model = EmbeddingModels.load("minilm");
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static ScoredChunk chunk(String id, String text, Map<String, String> metadata) {
        Chunk c = new Chunk(id + "#0", id, id, "", text, metadata, Vectors.unit(model.embed(text)));
        return new ScoredChunk(c, 0);
    }

    static final List<String> PASSAGES = List.of(
            "The Eiffel Tower was completed in 1889. It was built for the World's Fair in Paris.",
            "Mount Everest is the highest mountain above sea level. Its summit is 8,849 metres high.",
            "Photosynthesis turns light into chemical energy. Plants release oxygen as a by-product.");

    List<ScoredChunk> hits() {
        return List.of(chunk("eiffel.txt", PASSAGES.get(0), Map.of()), chunk("everest.pdf", PASSAGES.get(1), Map.of("page", "4")),
                chunk("plants.md", PASSAGES.get(2), Map.of("headings", "Biology > Plants")));
    }

    @Test
    void theGateKeepsRelatedPassagesAndDropsUnrelatedOnes() {
        RelevanceGate gate = new RelevanceGate(model, RelevanceGate.DEFAULT_MIN_SIMILARITY);
        List<ScoredChunk> relevant = gate.relevant("How high is the summit of Mount Everest?", hits());
        assertThat(relevant).extracting(h -> h.chunk().documentId()).containsExactly("everest.pdf");
        assertThat(gate.relevant("What is the best recipe for lasagne?", hits())).isEmpty();
        assertThat(new RelevanceGate(null, 0.9).relevant("anything", hits())).hasSize(3);
    }

    @Test
    void extractiveAnswersQuoteTheClosestSentencesWithTheirSourceNumbers() {
        Answer a = new ExtractiveAnswerer(model, 1).answer("When was the Eiffel Tower finished?", hits());
        assertThat(a.text()).isEqualTo("The Eiffel Tower was completed in 1889. [1]");
        assertThat(a.cited()).containsExactly(1);
        assertThat(a.refused()).isFalse();
        assertThat(a.sources()).extracting(Answer.Source::label).containsExactly("eiffel.txt", "everest.pdf, page 4", "plants.md, Biology > Plants");
        Answer two = new ExtractiveAnswerer(model, 2).answer("What do plants release during photosynthesis?", hits());
        assertThat(two.text()).contains("Plants release oxygen as a by-product. [3]");
        assertThat(two.cited()).startsWith(3);
        Answer words = new ExtractiveAnswerer(null, 1).answer("How many metres high is the summit?", hits());
        assertThat(words.text()).isEqualTo("Its summit is 8,849 metres high. [2]");
    }

    @Test
    void theGenerativePromptNumbersTheSourcesAndTheCitationsAreRead() {
        List<ChatRequest> asked = new ArrayList<>();
        GenerativeAnswerer answerer = new GenerativeAnswerer(request -> {
            asked.add(request);
            return ChatResponse.of("It was completed in 1889 [1], for the World's Fair [1][7].");
        }, 200);
        Answer a = answerer.answer("When was the Eiffel Tower finished?", hits());
        ChatRequest request = asked.getFirst();
        assertThat(request.maxTokens()).isEqualTo(200);
        assertThat(request.temperature()).isZero();
        assertThat(request.messages().getFirst()).isEqualTo(ChatMessage.system(GenerativeAnswerer.SYSTEM));
        assertThat(request.messages().get(1).content()).isEqualTo("""
                Sources:

                [1] eiffel.txt
                The Eiffel Tower was completed in 1889. It was built for the World's Fair in Paris.

                [2] everest.pdf, page 4
                Mount Everest is the highest mountain above sea level. Its summit is 8,849 metres high.

                [3] plants.md, Biology > Plants
                Photosynthesis turns light into chemical energy. Plants release oxygen as a by-product.

                Question: When was the Eiffel Tower finished?
                Answer with citations:""");
        assertThat(a.cited()).containsExactly(1); // [7] names no source
        assertThat(a.refused()).isFalse();
        Answer refused = new GenerativeAnswerer(r -> ChatResponse.of(GenerativeAnswerer.NO_ANSWER), 50).answer("Who won?", hits());
        assertThat(refused.refused()).isTrue();
        assertThat(refused.cited()).isEmpty();
    }
}
