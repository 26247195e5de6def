package dev.jllm.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.engine.runtime.Generator;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** LangChain4j's OpenAI chat models against a real jllm server. */
class LangChain4jTest {
    static Stream<TestServer> servers() {
        return TestModels.both();
    }

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("servers")
    void chatModel(TestServer s) {
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(s.baseUrl() + "/v1").apiKey("not-needed")
                .modelName(s.name).temperature(0.0).maxTokens(24).maxRetries(0).build();
        ChatResponse r = model.chat(dev.langchain4j.model.chat.request.ChatRequest.builder()
                .messages(dev.langchain4j.data.message.UserMessage.from("Tell me a story about a frog")).build());
        Generator.Result expected = TestModels.greedyChat(s, "Tell me a story about a frog", 24);
        assertThat(r.aiMessage().text()).isEqualTo(expected.text());
        assertThat(r.tokenUsage().inputTokenCount()).isEqualTo(expected.promptIds().length);
    }

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("servers")
    void streamingChatModel(TestServer s) throws Exception {
        OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder().baseUrl(s.baseUrl() + "/v1").apiKey("not-needed")
                .modelName(s.name).temperature(0.0).maxTokens(24).build();
        StringBuilder partial = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat("Tell me a story about a fish", new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String text) {
                partial.append(text);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse r = done.get(60, TimeUnit.SECONDS);
        Generator.Result expected = TestModels.greedyChat(s, "Tell me a story about a fish", 24);
        assertThat(partial.toString()).isEqualTo(expected.text());
        assertThat(r.aiMessage().text()).isEqualTo(expected.text());
    }
}
