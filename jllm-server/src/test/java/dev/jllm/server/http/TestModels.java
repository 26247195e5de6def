package dev.jllm.server.http;

import dev.jllm.api.ChatMessage;
import dev.jllm.engine.model.Model;
import dev.jllm.engine.runtime.Generator;
import dev.jllm.engine.runtime.Session;
import dev.jllm.engine.sample.SamplingParams;
import dev.jllm.engine.testing.SharedFiles;
import dev.jllm.engine.testing.SyntheticModels;
import dev.jllm.server.ServingOptions;
import dev.jllm.template.ChatTemplate;
import java.util.List;
import java.util.stream.Stream;

/**
 * The servers the client tests talk to, started once per test JVM: stories260K (a real SentencePiece model) and a
 * tiny synthetic Q8_0 model with a byte-level BPE vocabulary from {@code gen_synthetic_gguf.py}. Also the reference
 * answers, computed with the single-sequence {@link Generator}.
 */
final class TestModels {
    private static TestServer stories;
    private static TestServer synthetic;

    private TestModels() {}

    static synchronized TestServer stories() {
        if (stories == null) {
            stories = new TestServer(SharedFiles.file("models/stories260K/stories260K.gguf"),
                    new ServingOptions("stories260K", 4, 512, 64, 16, 0, 16, null));
            Runtime.getRuntime().addShutdownHook(new Thread(stories::close));
        }
        return stories;
    }

    static synchronized TestServer synthetic() {
        if (synthetic == null) {
            synthetic = new TestServer(SyntheticModels.synthetic("--dim", "64", "--layers", "2", "--heads", "4", "--kv-heads", "2",
                    "--ffn", "128", "--vocab", "1024", "--vocab-type", "bpe", "--ctx", "512", "--type", "Q8_0"),
                    new ServingOptions("synthetic-bpe", 4, 512, 64, 16, 0, 16, null));
            Runtime.getRuntime().addShutdownHook(new Thread(synthetic::close));
        }
        return synthetic;
    }

    static Stream<TestServer> both() {
        return Stream.of(stories(), synthetic());
    }

    /** The greedy reply to one user message: the model's chat template, then the Generator, as `jllm chat` does. */
    static Generator.Result greedyChat(TestServer s, String user, int maxTokens) {
        Model m = s.model;
        String prompt = ServedModel.templateOf(m).render(List.of(ChatMessage.user(user)), true);
        String bos = m.tokenizer().bosId() >= 0 ? m.tokenizer().tokenText(m.tokenizer().bosId()) : "";
        int[] ids = m.tokenizer().encode(prompt, bos.isEmpty() || !prompt.startsWith(bos), true);
        return new Generator(new Session(m, 512)).generate(ids, new Generator.Options(SamplingParams.greedy(), maxTokens, false, List.of()), t -> {});
    }

    /** The greedy continuation of a completion prompt. */
    static Generator.Result greedyText(TestServer s, String prompt, int maxTokens) {
        Model m = s.model;
        return new Generator(new Session(m, 512)).generate(m.tokenizer().encode(prompt, true, true),
                new Generator.Options(SamplingParams.greedy(), maxTokens, false, List.of()), t -> {});
    }

    static ChatTemplate chatml() {
        return ChatTemplate.named("chatml");
    }
}
