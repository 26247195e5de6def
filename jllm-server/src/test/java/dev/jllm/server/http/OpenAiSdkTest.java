package dev.jllm.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.models.Model;
import dev.jllm.engine.runtime.Generator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The official OpenAI Java SDK against a real jllm server: answers equal the engine's own greedy generation. */
class OpenAiSdkTest {
    static Stream<TestServer> servers() {
        return TestModels.both();
    }

    private static OpenAIClient client(TestServer s) {
        return OpenAIOkHttpClient.builder().baseUrl(s.baseUrl() + "/v1").apiKey("not-needed").maxRetries(0).build();
    }

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("servers")
    void chatCompletion(TestServer s) {
        ChatCompletion c = client(s).chat().completions().create(ChatCompletionCreateParams.builder()
                .model(s.name).addUserMessage("Tell me a story about a cat").maxCompletionTokens(24).temperature(0.0).build());
        Generator.Result expected = TestModels.greedyChat(s, "Tell me a story about a cat", 24);
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().getFirst().message().content()).contains(expected.text());
        assertThat(c.choices().getFirst().finishReason()).isEqualTo(expected.finishReason() == Generator.FinishReason.STOP
                ? ChatCompletion.Choice.FinishReason.STOP : ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(expected.promptIds().length);
        assertThat(c.model()).isEqualTo(s.name);
    }

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("servers")
    void streamedChatCompletion(TestServer s) {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(s.name)
                .addUserMessage("Tell me a story about a dog").maxCompletionTokens(24).temperature(0.0)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        StringBuilder text = new StringBuilder();
        List<String> finish = new ArrayList<>();
        long[] completionTokens = {-1};
        try (StreamResponse<ChatCompletionChunk> stream = client(s).chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> {
                chunk.usage().ifPresent(u -> completionTokens[0] = u.completionTokens());
                for (ChatCompletionChunk.Choice c : chunk.choices()) {
                    c.delta().content().ifPresent(text::append);
                    c.finishReason().ifPresent(f -> finish.add(f.asString()));
                }
            });
        }
        Generator.Result expected = TestModels.greedyChat(s, "Tell me a story about a dog", 24);
        assertThat(text.toString()).isEqualTo(expected.text());
        assertThat(finish).hasSize(1);
        assertThat(completionTokens[0]).isBetween((long) expected.ids().length, 24L);
    }

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("servers")
    void textCompletion(TestServer s) {
        Completion c = client(s).completions().create(CompletionCreateParams.builder().model(s.name)
                .prompt("Once upon a time").maxTokens(20).temperature(0.0).build());
        assertThat(c.choices().getFirst().text()).isEqualTo(TestModels.greedyText(s, "Once upon a time", 20).text());
    }

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("servers")
    void streamedTextCompletion(TestServer s) {
        StringBuilder text = new StringBuilder();
        try (StreamResponse<Completion> stream = client(s).completions().createStreaming(CompletionCreateParams.builder()
                .model(s.name).prompt("The little bird").maxTokens(20).temperature(0.0).build())) {
            stream.stream().forEach(c -> c.choices().forEach(ch -> text.append(ch.text())));
        }
        assertThat(text.toString()).isEqualTo(TestModels.greedyText(s, "The little bird", 20).text());
    }

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("servers")
    void concurrentClientsGetTheSameAnswersAsAlone(TestServer s) throws Exception {
        String[] prompts = {"Once upon a time", "The sun", "A girl named Sue", "Big red", "In the park", "Tim"};
        try (ExecutorService pool = Executors.newFixedThreadPool(prompts.length)) {
            List<Future<String>> answers = new ArrayList<>();
            for (String p : prompts) {
                answers.add(pool.submit(() -> client(s).completions().create(CompletionCreateParams.builder().model(s.name)
                        .prompt(p).maxTokens(30).temperature(0.0).build()).choices().getFirst().text()));
            }
            for (int i = 0; i < prompts.length; i++) {
                assertThat(answers.get(i).get()).as(prompts[i]).isEqualTo(TestModels.greedyText(s, prompts[i], 30).text());
            }
        }
    }

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("servers")
    void modelsAndErrors(TestServer s) {
        OpenAIClient client = client(s);
        List<Model> models = client.models().list().data();
        assertThat(models).extracting(Model::id).containsExactly(s.name);
        assertThatThrownBy(() -> client.completions().create(CompletionCreateParams.builder().model("no-such-model")
                .prompt("x").maxTokens(2).build())).isInstanceOf(NotFoundException.class).hasMessageContaining("no-such-model");
        assertThatThrownBy(() -> client.completions().create(CompletionCreateParams.builder().model(s.name)
                .prompt("x").maxTokens(2).temperature(5.0).build())).isInstanceOf(BadRequestException.class).hasMessageContaining("temperature");
    }
}
