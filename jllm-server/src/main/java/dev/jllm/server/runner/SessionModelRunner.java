package dev.jllm.server.runner;

import dev.jllm.engine.model.Model;
import dev.jllm.engine.runtime.Session;
import dev.jllm.server.scheduler.ScheduledChunk;
import dev.jllm.server.scheduler.ScheduledStep;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A model runner on today's engine API: one {@link Session} (with its own contiguous KV cache) per running
 * sequence, run one after the other. Correct for any schedule: a session computes whatever part of a chunk's prefix
 * it does not hold (after a preemption, a fork or a prefix-cache hit it may recompute more than the chunk), so the
 * logits never depend on the batch. It does not share weight reads across the sequences of a step; a batched
 * runner over the paged cache replaces it for throughput.
 *
 * <p>Sessions are pooled: a new sequence gets the idle session whose cached tokens share the longest prefix with its
 * own, so a repeated system prompt is not recomputed even here.
 */
public final class SessionModelRunner implements ModelRunner {
    private final Model model;
    private final int maxSessions;
    private final int contextSize;
    private final List<Session> idle = new ArrayList<>();
    private final Map<Long, Session> bySequence = new HashMap<>();
    private int created;

    /**
     * @param maxSessions at most this many sequences at once (the scheduler's running limit)
     * @param contextSize tokens per session
     */
    public SessionModelRunner(Model model, int maxSessions, int contextSize) {
        if (maxSessions < 1) throw new IllegalArgumentException("at least one session is needed, got " + maxSessions);
        this.model = model;
        this.maxSessions = maxSessions;
        this.contextSize = contextSize;
    }

    @Override
    public int vocabSize() {
        return model.config().vocabSize();
    }

    @Override
    public Map<Long, float[]> execute(ScheduledStep step) {
        Map<Long, float[]> logits = new HashMap<>();
        for (ScheduledChunk c : step.chunks()) {
            Session session = bySequence.get(c.sequenceId());
            if (session == null) {
                session = acquire(c.tokens());
                bySequence.put(c.sequenceId(), session);
            }
            float[] out = session.feed(c.tokens());
            if (c.wantsLogits()) logits.put(c.sequenceId(), out.clone());
        }
        return logits;
    }

    private Session acquire(int[] tokens) {
        Session best = null;
        int bestCommon = -1;
        for (Session s : idle) {
            int common = commonPrefix(s.tokens(), tokens);
            if (common > bestCommon) {
                best = s;
                bestCommon = common;
            }
        }
        if (best != null && (bestCommon > 0 || created == maxSessions)) {
            idle.remove(best);
            return best;
        }
        if (created == maxSessions) throw new IllegalStateException("more than " + maxSessions + " sequences at once");
        created++;
        return new Session(model, contextSize);
    }

    private static int commonPrefix(int[] a, int[] b) {
        int n = 0;
        while (n < a.length && n < b.length && a[n] == b[n]) n++;
        return n;
    }

    @Override
    public void release(long sequenceId) {
        Session s = bySequence.remove(sequenceId);
        if (s != null) idle.add(s);
    }

    @Override
    public void close() {
        idle.clear();
        bySequence.clear();
    }
}
