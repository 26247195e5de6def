package dev.jllm.server.http;

import dev.jllm.server.serving.FinishReason;
import dev.jllm.server.serving.GenerationListener;
import dev.jllm.server.serving.TokenLogprobs;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Hands a request's events from the engine thread to the connection's thread without ever blocking the engine. */
final class QueuedListener implements GenerationListener {
    sealed interface Event {}

    record Token(int choice, int token, String text, TokenLogprobs logprobs) implements Event {}

    record ChoiceFinished(int choice, FinishReason reason, int tokens) implements Event {}

    record Completed(int promptTokens, int completionTokens) implements Event {}

    record Failed(Failure failure, String message) implements Event {}

    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();

    Event poll(long timeoutMillis) throws InterruptedException {
        return events.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onToken(int choice, int token, String text, TokenLogprobs logprobs) {
        events.add(new Token(choice, token, text, logprobs));
    }

    @Override
    public void onChoiceFinished(int choice, FinishReason reason, int tokens) {
        events.add(new ChoiceFinished(choice, reason, tokens));
    }

    @Override
    public void onCompleted(int promptTokens, int completionTokens) {
        events.add(new Completed(promptTokens, completionTokens));
    }

    @Override
    public void onFailed(Failure failure, String message) {
        events.add(new Failed(failure, message));
    }
}
