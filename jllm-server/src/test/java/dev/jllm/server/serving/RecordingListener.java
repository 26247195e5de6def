package dev.jllm.server.serving;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Collects a request's events per choice; {@link #await} waits for completion or failure. */
final class RecordingListener implements GenerationListener {
    final List<List<Integer>> tokens = new ArrayList<>();
    final List<StringBuilder> text = new ArrayList<>();
    final List<FinishReason> reasons = new ArrayList<>();
    final List<TokenLogprobs> logprobs = new ArrayList<>();
    final CompletableFuture<int[]> done = new CompletableFuture<>();
    volatile Failure failure;

    RecordingListener(int choices) {
        for (int i = 0; i < choices; i++) {
            tokens.add(new ArrayList<>());
            text.add(new StringBuilder());
            reasons.add(null);
        }
    }

    @Override
    public synchronized void onToken(int choice, int token, String t, TokenLogprobs lp) {
        tokens.get(choice).add(token);
        text.get(choice).append(t);
        if (lp != null && choice == 0) logprobs.add(lp);
    }

    @Override
    public synchronized void onChoiceFinished(int choice, FinishReason reason, int count) {
        if (count != tokens.get(choice).size()) throw new AssertionError("count " + count + " != " + tokens.get(choice).size());
        reasons.set(choice, reason);
    }

    @Override
    public void onCompleted(int promptTokens, int completionTokens) {
        done.complete(new int[] {promptTokens, completionTokens});
    }

    @Override
    public void onFailed(Failure f, String message) {
        failure = f;
        done.completeExceptionally(new IllegalStateException(f + ": " + message));
    }

    int[] await() throws Exception {
        return done.get(60, TimeUnit.SECONDS);
    }

    synchronized int[] ids(int choice) {
        return tokens.get(choice).stream().mapToInt(Integer::intValue).toArray();
    }
}
