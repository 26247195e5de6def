package dev.jllm.rag.answer;

import dev.jllm.api.ChatMessage;
import dev.jllm.api.ChatModel;
import dev.jllm.api.ChatRequest;
import dev.jllm.api.ChatResponse;
import dev.jllm.rag.store.ScoredChunk;
import java.util.List;
import java.util.Locale;

/**
 * Answers with a chat model: the question and the numbered sources go into one prompt that asks for an answer from
 * the sources only, citing them as {@code [n]}, and for a fixed sentence when they do not hold the answer.
 */
public final class GenerativeAnswerer implements Answerer {
    static final String NO_ANSWER = "I don't know based on the provided documents.";
    static final String SYSTEM = "You answer questions using only the numbered sources you are given. After every "
            + "statement, cite the source it comes from by its number in square brackets, like [1] or [2][3]. Do not use "
            + "anything you know from elsewhere. If the sources do not contain the answer, reply exactly: " + NO_ANSWER;

    private final ChatModel model;
    private final int maxTokens;

    public GenerativeAnswerer(ChatModel model, int maxTokens) {
        this.model = model;
        this.maxTokens = maxTokens;
    }

    /** The conversation sent to the model. */
    static List<ChatMessage> prompt(String question, List<Answer.Source> sources) {
        StringBuilder user = new StringBuilder("Sources:\n");
        for (Answer.Source s : sources) {
            var c = s.hit().chunk();
            user.append("\n[").append(s.number()).append("] ").append(s.label());
            if (!c.title().isEmpty() && !c.title().equals(c.documentId())) user.append(" — ").append(c.title());
            user.append('\n').append(c.text().strip()).append('\n');
        }
        user.append("\nQuestion: ").append(question.strip()).append("\nAnswer with citations:");
        return List.of(ChatMessage.system(SYSTEM), ChatMessage.user(user.toString()));
    }

    @Override
    public Answer answer(String question, List<ScoredChunk> relevant) {
        List<Answer.Source> sources = Answer.number(relevant);
        ChatResponse response = model.chat(new ChatRequest(prompt(question, sources), maxTokens, 0.0, 0));
        String text = response.content().strip();
        boolean refused = text.toLowerCase(Locale.ROOT).startsWith("i don't know") || text.isEmpty();
        return new Answer(text.isEmpty() ? NO_ANSWER : text, sources, Citations.in(text, sources.size()), refused);
    }
}
