package dev.jllm.server.serving;

/** A request the engine would not accept: the waiting queue is full, or the server is shutting down. */
public final class RejectedRequestException extends Exception {
    /** Why it was refused. */
    public enum Reason { QUEUE_FULL, SHUTTING_DOWN }

    private final Reason reason;
    private final int retryAfterSeconds;

    public RejectedRequestException(Reason reason, String message, int retryAfterSeconds) {
        super(message);
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Reason reason() {
        return reason;
    }

    /** A guess at when a retry may succeed. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
