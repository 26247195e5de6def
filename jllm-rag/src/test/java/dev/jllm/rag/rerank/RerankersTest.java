package dev.jllm.rag.rerank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.jllm.api.ChatResponse;
import dev.jllm.api.TokenLogprob;
import dev.jllm.rag.embed.EmbeddingModels;
import dev.jllm.rag.embed.OnnxBertEmbeddingModel;
import dev.jllm.rag.store.Chunk;
import dev.jllm.rag.store.ScoredChunk;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RerankersTest {
    static ScoredChunk hit(String id, String text, double score) {
        return new ScoredChunk(new Chunk(id, id, id, "", text, Map.of(), null), score);
    }

    static List<String> ids(List<ScoredChunk> hits) {
        return hits.stream().map(h -> h.chunk().id()).toList();
    }

    @Test
    void relevanceComesFromTheYesAndNoProbabilitiesWhenThereAreAny() {
        var alternatives = List.of(new TokenLogprob.Alternative(" Yes", Math.log(0.6)), new TokenLogprob.Alternative("No", Math.log(0.2)),
                new TokenLogprob.Alternative("yes", Math.log(0.1)), new TokenLogprob.Alternative("Maybe", Math.log(0.1)));
        ChatResponse withLogprobs = new ChatResponse("Yes", "length", List.of(new TokenLogprob(" Yes", Math.log(0.6), alternatives)));
        assertThat(LlmReranker.relevance(withLogprobs)).isCloseTo(0.7 / 0.9, within(1e-12));
        assertThat(LlmReranker.relevance(ChatResponse.of("Yes, it is."))).isEqualTo(1.0);
        assertThat(LlmReranker.relevance(ChatResponse.of("no"))).isEqualTo(0.0);
    }

    @Test
    void theLlmRerankerAsksOncePerPassageAndKeepsTheRetrievalOrderOnTies() {
        List<ScoredChunk> candidates = List.of(hit("a", "Paris is in France.", 3), hit("b", "Bananas are yellow.", 2),
                hit("c", "The capital of France is Paris.", 1), hit("d", "France borders Spain.", 0.5));
        LlmReranker reranker = new LlmReranker(request -> {
            String passage = request.messages().get(1).content().split("Passage:\n", 2)[1];
            assertThat(request.maxTokens()).isEqualTo(1);
            assertThat(request.topLogprobs()).isEqualTo(5);
            return ChatResponse.of(passage.contains("Paris") ? "Yes" : "No");
        });
        List<ScoredChunk> ranked = reranker.rerank("What is the capital of France?", candidates);
        assertThat(ids(ranked)).containsExactly("a", "c", "b", "d");
        assertThat(ranked).extracting(ScoredChunk::score).containsExactly(1.0, 1.0, 0.0, 0.0);
    }

    @Test
    void theDenseRerankerOrdersByCosineUnderItsModel() {
        try (OnnxBertEmbeddingModel model = EmbeddingModels.load("minilm")) {
            List<ScoredChunk> candidates = List.of(hit("bananas", "Bananas are a yellow fruit.", 9), hit("paris", "Paris is the capital city of France.", 1));
            List<ScoredChunk> ranked = new DenseReranker(model, "another-model").rerank("capital of France", candidates);
            assertThat(ids(ranked)).containsExactly("paris", "bananas");
            assertThat(ranked.getFirst().score()).isGreaterThan(0.5).isLessThanOrEqualTo(1.0);
        }
    }
}
