package dev.jllm.cli.rag;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jllm.api.ChatModel;
import dev.jllm.api.EmbeddingModel;
import dev.jllm.cli.hub.ModelReference;
import dev.jllm.engine.model.Model;
import dev.jllm.rag.answer.Answer;
import dev.jllm.rag.answer.Answerer;
import dev.jllm.rag.answer.ExtractiveAnswerer;
import dev.jllm.rag.answer.GenerativeAnswerer;
import dev.jllm.rag.answer.RelevanceGate;
import dev.jllm.rag.rerank.LlmReranker;
import dev.jllm.rag.rerank.Reranker;
import dev.jllm.rag.store.EmbeddingStore;
import dev.jllm.rag.store.ScoredChunk;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `jllm rag ask "question"`: an answer from the index with numbered, cited sources. */
@Command(name = "ask", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Answer a question from the index, citing the sources as [n]. With -m a local model writes the "
                + "answer; without one, the answer is the source sentences closest to the question (extractive).",
                "When no retrieved passage is similar enough to the question, the answer is a refusal."})
final class AskCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "QUESTION")
    String question;

    @Mixin
    StoreOptions store;

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", description = "GGUF chat model that writes the answer (default: extractive answer)")
    String model;

    @Option(names = {"-c", "--ctx"}, paramLabel = "N", description = "Context size for -m (default ${DEFAULT-VALUE})")
    int contextSize = 4096;

    @Option(names = {"-n", "--max-tokens"}, paramLabel = "N", description = "Most tokens in a generated answer (default ${DEFAULT-VALUE})")
    int maxTokens = 512;

    @Option(names = "-k", paramLabel = "K", description = "Sources retrieved (default ${DEFAULT-VALUE})")
    int k = 5;

    @Option(names = "--min-similarity", paramLabel = "COS",
            description = "Least cosine between question and passage for the passage to count as relevant (default ${DEFAULT-VALUE})")
    double minSimilarity = RelevanceGate.DEFAULT_MIN_SIMILARITY;

    @Option(names = "--sentences", paramLabel = "N", description = "Sentences in an extractive answer (default ${DEFAULT-VALUE})")
    int sentences = 3;

    @Option(names = "--llm-rerank", description = "Let the -m model rerank the retrieved passages (pointwise yes/no relevance)")
    boolean llmRerank;

    @Mixin
    EmbeddingUrlOption embeddingUrl;

    @Mixin
    SearchOptions search;

    @Option(names = "--json", description = "Print one JSON object: {question, answer, refused, cited, sources: [...]}")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (k < 1) throw new IllegalArgumentException("-k must be at least 1, got " + k);
        if (llmRerank && model == null) throw new IllegalArgumentException("--llm-rerank needs a model (-m)");
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (EmbeddingStore index = store.openForReading();
             Model chat = model == null ? null : Model.load(ModelReference.resolve(model))) {
            EmbeddingModel embeddings = EmbeddingChoice.forIndex(index.settings(), embeddingUrl.url);
            try {
                ChatModel chatModel = chat == null ? null : new EngineChatModel(chat, contextSize, note -> err.println("jllm rag ask: " + note));
                Reranker reranker = llmRerank ? new LlmReranker(chatModel) : search.reranker(embeddings);
                List<ScoredChunk> hits = search.pipeline(index, embeddings, reranker).retrieve(question, k, search.filter());
                List<ScoredChunk> relevant = new RelevanceGate(embeddings, minSimilarity).relevant(question, hits);
                Answerer answerer = chatModel != null ? new GenerativeAnswerer(chatModel, maxTokens) : new ExtractiveAnswerer(embeddings, sentences);
                Answer answer = relevant.isEmpty() ? Answer.refusal() : answerer.answer(question, relevant);
                if (json) out.println(SearchCommand.JSON.writeValueAsString(json(answer)));
                else print(out, answer);
            } finally {
                search.close();
                EmbeddingChoice.close(embeddings);
            }
        }
        return 0;
    }

    private ObjectNode json(Answer a) {
        ObjectNode o = SearchCommand.JSON.createObjectNode().put("question", question).put("answer", a.text()).put("refused", a.refused());
        ArrayNode cited = o.putArray("cited");
        a.cited().forEach(cited::add);
        ArrayNode sources = o.putArray("sources");
        for (Answer.Source s : a.sources()) sources.add(SearchCommand.hit(s.number(), s.hit()).put("label", s.label()));
        return o;
    }

    private static void print(PrintWriter out, Answer a) {
        out.println(a.text());
        if (a.sources().isEmpty()) return;
        out.println();
        for (Answer.Source s : a.sources()) {
            out.println("[" + s.number() + "] " + s.label() + (a.cited().contains(s.number()) ? "" : "  (not cited)"));
        }
    }
}
