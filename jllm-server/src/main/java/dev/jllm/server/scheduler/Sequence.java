package dev.jllm.server.scheduler;

import java.util.Arrays;

/**
 * One token sequence as the scheduler sees it: its tokens (prompt, then generated), how many of them have keys and
 * values in the cache, and whether it waits or runs. Changed only through the {@link Scheduler}.
 */
public final class Sequence {
    /** Where a sequence is: waiting for admission (new or preempted), running, or gone. */
    public enum State { WAITING, RUNNING, FINISHED }

    private final long id;
    private final int promptLength;
    private int[] tokens;
    private int length;
    int computed;
    /** Sequences this one will become when its prompt is done (the request's n); 1 once forked or for n = 1. */
    int fanOut;
    State state = State.WAITING;

    public Sequence(long id, int[] prompt, int fanOut) {
        if (prompt.length == 0) throw new IllegalArgumentException("sequence " + id + " has an empty prompt");
        if (fanOut < 1) throw new IllegalArgumentException("fan-out must be at least 1, got " + fanOut);
        this.id = id;
        this.promptLength = prompt.length;
        this.tokens = Arrays.copyOf(prompt, Math.max(16, prompt.length * 2));
        this.length = prompt.length;
        this.fanOut = fanOut;
    }

    private Sequence(long id, Sequence parent) {
        this.id = id;
        this.promptLength = parent.promptLength;
        this.tokens = parent.tokens.clone();
        this.length = parent.length;
        this.computed = parent.computed;
        this.fanOut = 1;
        this.state = parent.state;
    }

    Sequence fork(long childId) {
        return new Sequence(childId, this);
    }

    public long id() {
        return id;
    }

    public int length() {
        return length;
    }

    public int promptLength() {
        return promptLength;
    }

    /** Tokens whose keys and values are in the cache (or being computed by the step just scheduled). */
    public int computed() {
        return computed;
    }

    public State state() {
        return state;
    }

    public int[] tokens() {
        return Arrays.copyOf(tokens, length);
    }

    /** The backing array (valid up to {@link #length}); for hashing without a copy. */
    int[] tokenArray() {
        return tokens;
    }

    void append(int token) {
        if (length == tokens.length) tokens = Arrays.copyOf(tokens, length * 2);
        tokens[length++] = token;
    }

    @Override
    public String toString() {
        return "Sequence[" + id + ", " + state + ", " + computed + "/" + length + " computed]";
    }
}
