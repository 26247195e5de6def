package dev.jllm.rag.rerank;

import dev.jllm.api.ChatMessage;
import dev.jllm.api.ChatModel;
import dev.jllm.api.ChatRequest;
import dev.jllm.api.ChatResponse;
import dev.jllm.api.TokenLogprob;
import dev.jllm.rag.store.ScoredChunk;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Pointwise relevance judged by a chat model: for each candidate it asks whether the passage answers the query,
 * wanting one word, Yes or No. With log-probabilities the score is P(yes) / (P(yes) + P(no)) from the first token's
 * alternatives; without them, 1 for a yes and 0 for a no. Equal scores keep the retrieval order.
 */
public final class LlmReranker implements Reranker {
    static final String INSTRUCTION = "You judge search results. Say whether the passage answers or is directly "
            + "relevant to the query. Reply with one word: Yes or No.";

    private final ChatModel model;

    public LlmReranker(ChatModel model) {
        this.model = model;
    }

    static List<ChatMessage> prompt(String query, ScoredChunk candidate) {
        var c = candidate.chunk();
        String passage = (c.title().isEmpty() ? "" : c.title() + "\n") + c.text().strip();
        return List.of(ChatMessage.system(INSTRUCTION),
                ChatMessage.user("Query: " + query.strip() + "\n\nPassage:\n" + passage + "\n\nIs the passage relevant to the query? Yes or No:"));
    }

    @Override
    public List<ScoredChunk> rerank(String query, List<ScoredChunk> candidates) {
        record Ranked(ScoredChunk hit, int position) {}
        List<Ranked> scored = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            ChatResponse r = model.chat(new ChatRequest(prompt(query, candidates.get(i)), 1, 0.0, 5));
            scored.add(new Ranked(candidates.get(i).withScore(relevance(r)), i));
        }
        scored.sort(Comparator.comparingDouble((Ranked r) -> -r.hit().score()).thenComparingInt(Ranked::position));
        return scored.stream().map(Ranked::hit).toList();
    }

    /** The model's belief that the answer is yes, from the first token's log-probabilities when it gave them. */
    static double relevance(ChatResponse response) {
        if (!response.logprobs().isEmpty()) {
            TokenLogprob first = response.logprobs().getFirst();
            double yes = 0, no = 0;
            List<TokenLogprob.Alternative> alternatives = new ArrayList<>(first.topLogprobs());
            if (alternatives.isEmpty()) alternatives.add(new TokenLogprob.Alternative(first.token(), first.logprob()));
            for (TokenLogprob.Alternative a : alternatives) {
                String t = a.token().strip().toLowerCase(Locale.ROOT);
                if (t.equals("yes")) yes += Math.exp(a.logprob());
                else if (t.equals("no")) no += Math.exp(a.logprob());
            }
            if (yes + no > 0) return yes / (yes + no);
        }
        String text = response.content().strip().toLowerCase(Locale.ROOT);
        return text.startsWith("yes") ? 1 : 0;
    }
}
