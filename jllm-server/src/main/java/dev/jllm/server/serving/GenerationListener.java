package dev.jllm.server.serving;

/**
 * Receives a request's results, on the engine thread: it must return quickly and never block (hand the events to
 * the connection's own thread). Either {@link #onCompleted} or {@link #onFailed} ends every accepted request,
 * exactly once, unless the request was cancelled.
 */
public interface GenerationListener {

    /**
     * Choice {@code choice} sampled {@code token}; {@code text} is what it releases (empty while a character or a
     * possible stop string is incomplete; the last token of a choice also releases what was held back).
     *
     * @param logprobs null unless the request asked for them
     */
    void onToken(int choice, int token, String text, TokenLogprobs logprobs);

    /** Choice {@code choice} ended after {@code tokens} sampled tokens. */
    void onChoiceFinished(int choice, FinishReason reason, int tokens);

    /** Every choice ended. */
    void onCompleted(int promptTokens, int completionTokens);

    /** The request ended without completing (deadline, shutdown, an engine error); nothing follows. */
    void onFailed(Failure failure, String message);

    /** Why a request failed. */
    enum Failure {
        /** it did not finish before its deadline */
        TIMEOUT,
        /** the server shut down before it finished */
        SHUTDOWN,
        /** the model runner failed */
        INTERNAL
    }
}
