package dev.jllm.server.scheduler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Continuous (iteration-level) batching, as vLLM schedules: every step serves the running sequences first (one
 * decode token each, or the next chunk of a prompt), then admits waiting sequences while the step's token budget,
 * the running-set limit and the free KV blocks allow. A prompt longer than the remaining budget is split into chunks
 * over several steps, so that running streams keep getting a token every step (chunked prefill). Finished sequences
 * leave at once, new ones join at the next step.
 *
 * <p>When a running sequence needs a block and none is free, the most recently admitted running sequence is
 * preempted: its blocks are freed and it goes back to the front of the waiting queue with all its tokens, to be
 * recomputed (its full blocks usually survive in the prefix cache, which makes that cheap). No sequence is lost.
 *
 * <p>Independent of HTTP and of the model: it moves token counts and block tables; a {@code ModelRunner} does the
 * arithmetic. Not thread-safe: one engine thread owns it.
 */
public final class Scheduler {
    private final SchedulerConfig config;
    private final BlockManager blocks;
    private final ArrayDeque<Sequence> waiting = new ArrayDeque<>();
    /** Running sequences in admission order; preemption takes from the end. */
    private final List<Sequence> running = new ArrayList<>();
    private final Map<Long, Sequence> sequences = new HashMap<>();
    private long preemptions;

    public Scheduler(SchedulerConfig config, BlockManager blocks) {
        this.config = config;
        this.blocks = blocks;
        long capacity = (long) blocks.totalBlocks() * blocks.blockSize();
        if (capacity < config.maxSequenceLength()) {
            // a lone sequence must always fit, or preemption could never make room for it
            throw new IllegalArgumentException("the KV cache holds " + capacity + " tokens (" + blocks.totalBlocks()
                    + " blocks of " + blocks.blockSize() + "), less than one sequence of " + config.maxSequenceLength());
        }
    }

    public SchedulerConfig config() {
        return config;
    }

    public BlockManager blocks() {
        return blocks;
    }

    /** Queues a new sequence at the end of the waiting queue. */
    public void add(Sequence sequence) {
        if (sequence.length() > config.maxSequenceLength()) {
            throw new IllegalArgumentException("sequence " + sequence.id() + " has " + sequence.length()
                    + " tokens, more than the limit of " + config.maxSequenceLength());
        }
        if (sequence.fanOut > config.maxRunning()) {
            throw new IllegalArgumentException("sequence " + sequence.id() + " fans out into " + sequence.fanOut
                    + " sequences, more than the running limit of " + config.maxRunning());
        }
        if (sequences.putIfAbsent(sequence.id(), sequence) != null) {
            throw new IllegalArgumentException("sequence " + sequence.id() + " is already scheduled");
        }
        sequence.state = Sequence.State.WAITING;
        waiting.addLast(sequence);
    }

    public Sequence get(long id) {
        Sequence s = sequences.get(id);
        if (s == null) throw new IllegalArgumentException("no sequence " + id);
        return s;
    }

    public int running() {
        return running.size();
    }

    public int waiting() {
        return waiting.size();
    }

    public boolean hasWork() {
        return !running.isEmpty() || !waiting.isEmpty();
    }

    /** Running sequences sent back to the waiting queue for lack of blocks, since the start. */
    public long preemptions() {
        return preemptions;
    }

    /** Chooses the work of the next step and reserves its KV slots. */
    public ScheduledStep schedule() {
        int budget = config.maxStepTokens();
        List<ScheduledChunk> chunks = new ArrayList<>();
        List<Long> preempted = new ArrayList<>();
        for (int i = 0; i < running.size() && budget > 0; ) {
            Sequence s = running.get(i);
            int count = Math.min(s.length() - s.computed, budget);
            if (count == 0) {
                i++;
                continue;
            }
            boolean selfPreempted = false;
            while (!blocks.appendSlots(s.id(), s.computed + count)) {
                Sequence victim = running.getLast();
                preempt(victim);
                preempted.add(victim.id());
                if (victim == s) {
                    selfPreempted = true;
                    break;
                }
            }
            if (selfPreempted) break;
            chunks.add(chunk(s, count));
            budget -= count;
            i++;
        }
        // as in vLLM, nothing new is admitted in a step that had to preempt: the pool is short already
        if (preempted.isEmpty()) budget = admit(budget, chunks);
        return new ScheduledStep(chunks, preempted, blocks.drainCopies());
    }

    private int admit(int budget, List<ScheduledChunk> chunks) {
        while (budget > 0 && !waiting.isEmpty()) {
            Sequence s = waiting.peekFirst();
            if (runningSlots() + s.fanOut > config.maxRunning()) break;
            PrefixMatch match = blocks.matchPrefix(s.tokenArray(), s.length());
            int count = Math.min(s.length() - match.tokens(), budget);
            if (!blocks.allocate(s.id(), match, s.length(), match.tokens() + count)) break;
            waiting.pollFirst();
            s.computed = match.tokens();
            s.state = Sequence.State.RUNNING;
            running.add(s);
            chunks.add(chunk(s, count));
            budget -= count;
        }
        return budget;
    }

    /** Running sequences, counting those a sequence will fork into. */
    private int runningSlots() {
        int n = 0;
        for (Sequence s : running) n += s.fanOut;
        return n;
    }

    private ScheduledChunk chunk(Sequence s, int count) {
        int start = s.computed;
        s.computed += count;
        return new ScheduledChunk(s.id(), Arrays.copyOf(s.tokenArray(), s.computed), start, blocks.blockTable(s.id()),
                s.computed == s.length());
    }

    private void preempt(Sequence s) {
        running.remove(s);
        blocks.free(s.id());
        s.computed = 0;
        s.state = Sequence.State.WAITING;
        waiting.addFirst(s);
        preemptions++;
    }

    /** The step ran: the full blocks it computed enter the prefix cache. */
    public void completeStep(ScheduledStep step) {
        for (ScheduledChunk c : step.chunks()) {
            Sequence s = sequences.get(c.sequenceId());
            // a sequence finished or aborted while the step ran has no blocks left to register
            if (s != null && s.state == Sequence.State.RUNNING) blocks.markComputed(s.id(), s.tokenArray(), s.computed);
        }
    }

    /** Appends a sampled token to a running sequence; the next step computes it. */
    public void append(long id, int token) {
        Sequence s = get(id);
        if (s.length() >= config.maxSequenceLength()) {
            throw new IllegalStateException("sequence " + id + " is already " + s.length() + " tokens long, the limit");
        }
        s.append(token);
    }

    /**
     * Turns a running sequence whose prompt is done into itself plus {@code childIds.length} sequences that share its
     * tokens and blocks (the request's n choices; written blocks are copied on write).
     */
    public List<Sequence> fork(long parentId, long... childIds) {
        Sequence parent = get(parentId);
        if (parent.state != Sequence.State.RUNNING || parent.computed != parent.length()) {
            throw new IllegalStateException("only a running sequence with all its tokens computed can fork: " + parent);
        }
        if (childIds.length != parent.fanOut - 1) {
            throw new IllegalArgumentException("sequence " + parentId + " fans out into " + parent.fanOut
                    + " sequences, not " + (childIds.length + 1));
        }
        List<Sequence> children = new ArrayList<>();
        int at = running.indexOf(parent) + 1;
        for (long childId : childIds) {
            if (sequences.containsKey(childId)) throw new IllegalArgumentException("sequence " + childId + " already exists");
            Sequence child = parent.fork(childId);
            blocks.fork(parentId, childId);
            sequences.put(childId, child);
            running.add(at++, child);
            children.add(child);
        }
        parent.fanOut = 1;
        return children;
    }

    /** Removes a sequence (finished, cancelled or failed) and frees its blocks at once. Unknown ids are ignored. */
    public void finish(long id) {
        Sequence s = sequences.remove(id);
        if (s == null) return;
        running.remove(s);
        waiting.remove(s);
        blocks.free(id);
        s.state = Sequence.State.FINISHED;
    }
}
