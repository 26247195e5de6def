package dev.jllm.server.runner;

import dev.jllm.engine.model.Model;
import dev.jllm.engine.runtime.ForwardPass;
import dev.jllm.engine.runtime.KvBlockPool;
import dev.jllm.engine.runtime.KvCache;
import dev.jllm.engine.runtime.KvType;
import dev.jllm.server.scheduler.BlockCopy;
import dev.jllm.server.scheduler.ScheduledChunk;
import dev.jllm.server.scheduler.ScheduledStep;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The model runner of continuous batching: one forward pass per step for every scheduled chunk together, so each
 * weight matrix is read once per step for the whole batch (decode tokens and prompt chunks alike), over a paged KV
 * cache whose blocks are the scheduler's: the block manager names them (a cached prefix is shared, a shared block
 * is copied before it is written), and this runner only computes into them. The engine's products and attention do
 * not depend on the batch, so every sequence gets exactly the logits it would get alone.
 */
public final class BatchedModelRunner implements ModelRunner {
    private final Model model;
    private final KvBlockPool pool;
    private final ForwardPass forward;
    private final int contextSize;
    private final Map<Long, KvCache> caches = new HashMap<>();

    /**
     * @param blockSize   positions per KV block, as the block manager's
     * @param blocks      blocks in the pool, as the block manager's (memory is taken when a block is first written)
     * @param contextSize positions per sequence at most
     * @param stepTokens  tokens one step may hold at most (the scheduler's budget)
     */
    public BatchedModelRunner(Model model, KvType kvType, int blockSize, int blocks, int contextSize, int stepTokens) {
        this.model = model;
        this.pool = new KvBlockPool(model.config(), kvType, blockSize, blocks);
        this.forward = new ForwardPass(model, stepTokens);
        this.contextSize = contextSize;
    }

    @Override
    public int vocabSize() {
        return model.config().vocabSize();
    }

    @Override
    public Map<Long, float[]> execute(ScheduledStep step) {
        for (BlockCopy copy : step.copies()) pool.copy(copy.source(), copy.target());
        List<ForwardPass.SequenceStep> steps = new ArrayList<>(step.chunks().size());
        Map<Long, float[]> logits = new HashMap<>();
        for (ScheduledChunk c : step.chunks()) {
            KvCache cache = caches.computeIfAbsent(c.sequenceId(), id -> KvCache.withBlockTable(pool, contextSize));
            cache.useBlocks(c.blockTable(), c.start());
            float[] out = c.wantsLogits() ? new float[vocabSize()] : null;
            if (out != null) logits.put(c.sequenceId(), out);
            steps.add(new ForwardPass.SequenceStep(cache, c.start(), Arrays.copyOfRange(c.tokens(), c.start(), c.end()), out));
        }
        if (!steps.isEmpty()) forward.forwardBatch(steps);
        return logits;
    }

    @Override
    public void release(long sequenceId) {
        caches.remove(sequenceId);
    }

    @Override
    public void close() {
        caches.clear();
    }
}
