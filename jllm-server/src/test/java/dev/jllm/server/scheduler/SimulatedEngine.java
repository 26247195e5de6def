package dev.jllm.server.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntBinaryOperator;

/**
 * Drives a {@link Scheduler} the way the serving loop does, with a {@link SimulatedKvCache} instead of a model:
 * schedule, run, complete, then append a "sampled" token to every sequence whose chunk wanted logits, finishing it
 * once it has generated its quota. Checks the step limits on every step.
 */
final class SimulatedEngine {
    final Scheduler scheduler;
    final BlockManager blocks;
    final SimulatedKvCache kv;
    /** Generated tokens each live sequence still has to produce. */
    final Map<Long, Integer> remaining = new HashMap<>();
    final Map<Long, int[]> finished = new HashMap<>();
    final List<ScheduledStep> steps = new ArrayList<>();
    /** The "sampled" token, from the sequence id and its length. */
    IntBinaryOperator sampler = (id, length) -> (int) ((id * 7919 + length * 31L) % 50);

    SimulatedEngine(SchedulerConfig config, int blocks, int blockSize, boolean prefixCaching) {
        this.blocks = new BlockManager(blocks, blockSize, prefixCaching);
        this.scheduler = new Scheduler(config, this.blocks);
        this.kv = new SimulatedKvCache(blocks, blockSize);
    }

    void add(long id, int[] prompt, int generate) {
        add(id, prompt, generate, 1);
    }

    void add(long id, int[] prompt, int generate, int n) {
        scheduler.add(new Sequence(id, prompt, n));
        remaining.put(id, generate);
    }

    void cancel(long id) {
        scheduler.finish(id);
        kv.forget(id);
        remaining.remove(id);
    }

    /** Children of a sequence with fan-out get ids parent*100+1, +2, ... */
    ScheduledStep step() {
        ScheduledStep step = scheduler.schedule();
        steps.add(step);
        if (step.tokens() > scheduler.config().maxStepTokens()) throw new AssertionError("over the token budget: " + step);
        if (scheduler.running() > scheduler.config().maxRunning()) throw new AssertionError("too many running");
        kv.run(step);
        scheduler.completeStep(step);
        for (ScheduledChunk c : step.chunks()) {
            if (!c.wantsLogits()) continue;
            Sequence s = scheduler.get(c.sequenceId());
            List<Long> ids = new ArrayList<>(List.of(s.id()));
            if (s.fanOut > 1) {
                long[] children = new long[s.fanOut - 1];
                for (int i = 0; i < children.length; i++) children[i] = s.id() * 100 + i + 1;
                for (Sequence child : scheduler.fork(s.id(), children)) {
                    ids.add(child.id());
                    remaining.put(child.id(), remaining.get(s.id()));
                }
            }
            for (long id : ids) sample(id);
        }
        blocks.checkConsistency();
        return step;
    }

    private void sample(long id) {
        Sequence s = scheduler.get(id);
        int left = remaining.get(id) - 1;
        if (left < 0 || s.length() >= scheduler.config().maxSequenceLength()) {
            finish(s);
            return;
        }
        scheduler.append(id, sampler.applyAsInt((int) id, s.length()));
        remaining.put(id, left);
        if (left == 0) finish(scheduler.get(id));
    }

    private void finish(Sequence s) {
        finished.put(s.id(), s.tokens());
        scheduler.finish(s.id());
        kv.forget(s.id());
        remaining.remove(s.id());
    }

    /** Steps until nothing is left, at most {@code maxSteps}. */
    void runToCompletion(int maxSteps) {
        for (int i = 0; i < maxSteps && scheduler.hasWork(); i++) step();
        if (scheduler.hasWork()) throw new AssertionError("work left after " + maxSteps + " steps");
    }
}
