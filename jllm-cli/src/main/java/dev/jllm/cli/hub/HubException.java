package dev.jllm.cli.hub;

/** A model that cannot be found, listed or downloaded; the message says which and why, for the user. */
public class HubException extends RuntimeException {
    public HubException(String message) {
        super(message);
    }

    public HubException(String message, Throwable cause) {
        super(message, cause);
    }
}
