package dev.jllm.server.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Random arrivals, cancellations, fan-outs and pool sizes. Whatever happens: no step exceeds its limits, every
 * sequence's cache holds its own prefix (checked slot by slot by {@link SimulatedKvCache}), every block is in exactly
 * one place, every sequence that was not cancelled finishes with all its tokens, and at the end no block is in use.
 */
class SchedulerProperties {

    @Property(tries = 200)
    void blocksAreConservedAndNoRequestIsLost(@ForAll long seed,
                                              @ForAll @IntRange(min = 1, max = 6) int maxRunning,
                                              @ForAll @IntRange(min = 1, max = 40) int stepTokens,
                                              @ForAll @IntRange(min = 1, max = 8) int blockSize,
                                              @ForAll @IntRange(min = 0, max = 40) int extraBlocks,
                                              @ForAll boolean prefixCaching) {
        Random r = new Random(seed);
        int maxLength = 48;
        int blocks = (maxLength + blockSize - 1) / blockSize + extraBlocks;
        SimulatedEngine e = new SimulatedEngine(new SchedulerConfig(maxRunning, stepTokens, maxLength), blocks, blockSize, prefixCaching);
        // a few shared "system prompts" make prefix hits likely
        int[][] systems = {{1, 2, 3, 4, 5, 6, 7, 8, 9}, {11, 12, 13, 14}, {}};
        Map<Long, Integer> expectedLength = new HashMap<>();
        List<Long> cancelled = new ArrayList<>();
        long nextId = 1;
        for (int step = 0; step < 400; step++) {
            if (step < 200 && r.nextInt(3) == 0) {
                int[] system = systems[r.nextInt(systems.length)];
                int own = 1 + r.nextInt(12);
                int[] prompt = new int[system.length + own];
                System.arraycopy(system, 0, prompt, 0, system.length);
                for (int i = system.length; i < prompt.length; i++) prompt[i] = r.nextInt(5);
                int generate = 1 + r.nextInt(20);
                int n = r.nextInt(4) == 0 ? 1 + r.nextInt(maxRunning) : 1;
                long id = nextId++;
                e.add(id, prompt, generate, n);
                int length = Math.min(maxLength, prompt.length + generate);
                expectedLength.put(id, length);
                for (int c = 1; c < n; c++) expectedLength.put(id * 100 + c, length);
            }
            if (r.nextInt(10) == 0 && !e.remaining.isEmpty()) {
                List<Long> live = new ArrayList<>(e.remaining.keySet());
                long victim = live.get(r.nextInt(live.size()));
                // cancelling a request cancels its choices still to be forked too
                e.cancel(victim);
                cancelled.add(victim);
            }
            if (e.scheduler.hasWork()) e.step();
        }
        e.runToCompletion(5000);

        assertThat(e.blocks.usedBlocks()).isZero();
        assertThat(e.blocks.freeBlocks()).isEqualTo(blocks);
        e.blocks.checkConsistency();
        for (Map.Entry<Long, Integer> x : expectedLength.entrySet()) {
            long id = x.getKey();
            long parent = id >= 100 ? id / 100 : id;
            if (cancelled.contains(id) || cancelled.contains(parent) && !e.finished.containsKey(id)) continue;
            assertThat(e.finished).as("sequence %d finished", id).containsKey(id);
            assertThat(e.finished.get(id)).as("sequence %d", id).hasSize(x.getValue());
        }
    }
}
