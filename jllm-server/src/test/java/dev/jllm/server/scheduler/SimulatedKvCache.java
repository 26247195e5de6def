package dev.jllm.server.scheduler;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Stands in for a model runner's paged KV cache in scheduler tests: each slot holds a fingerprint of the whole token
 * prefix up to its position (what real keys and values depend on). Running a chunk first checks that every slot
 * before the chunk holds the right fingerprint, so a prefix-cache hit, a fork or a copy-on-write that hands a
 * sequence wrong blocks fails the test, then writes the chunk's slots.
 */
final class SimulatedKvCache {
    private final long[][] slots;
    private final int blockSize;
    /** Every block table handed out, so that a write into a block another live sequence reads can be caught. */
    private final Map<Long, int[]> lastTables = new HashMap<>();

    SimulatedKvCache(int blocks, int blockSize) {
        this.slots = new long[blocks][blockSize];
        this.blockSize = blockSize;
    }

    static long fingerprint(int[] tokens, int position) {
        long h = 1125899906842597L;
        for (int i = 0; i <= position; i++) h = 31 * h + tokens[i] + 7;
        return h | 1; // never 0, the value of a slot never written
    }

    /** Runs one step; returns nothing, throws AssertionError on a wrong cache state. */
    void run(ScheduledStep step) {
        for (long id : step.preempted()) lastTables.remove(id);
        for (BlockCopy c : step.copies()) slots[c.target()] = slots[c.source()].clone();
        for (ScheduledChunk c : step.chunks()) {
            int[] table = c.blockTable();
            if (table.length * blockSize < c.end()) throw new AssertionError("table too short for chunk " + c);
            for (int p = 0; p < c.start(); p++) {
                long expected = fingerprint(c.tokens(), p);
                if (slots[table[p / blockSize]][p % blockSize] != expected) {
                    throw new AssertionError("sequence " + c.sequenceId() + " position " + p + " does not hold its prefix");
                }
            }
            for (int p = c.start(); p < c.end(); p++) {
                int block = table[p / blockSize];
                checkNotSharedWith(c.sequenceId(), block, step.chunks());
                slots[block][p % blockSize] = fingerprint(c.tokens(), p);
            }
            lastTables.put(c.sequenceId(), table);
        }
    }

    void forget(long id) {
        lastTables.remove(id);
    }

    /** A block being written must not be read by another live sequence (copy-on-write should have split it). */
    private void checkNotSharedWith(long writer, int block, List<ScheduledChunk> chunks) {
        for (Map.Entry<Long, int[]> e : lastTables.entrySet()) {
            if (e.getKey() == writer) continue;
            boolean inStep = chunks.stream().anyMatch(c -> c.sequenceId() == e.getKey());
            int[] table = inStep ? chunks.stream().filter(c -> c.sequenceId() == e.getKey()).findFirst().orElseThrow().blockTable()
                    : e.getValue();
            for (int b : table) {
                if (b == block) throw new AssertionError("sequence " + writer + " writes block " + block + " shared with " + e.getKey());
            }
        }
    }
}
