package dev.jllm.server;

import dev.jllm.engine.model.Model;
import dev.jllm.engine.runtime.KvType;
import dev.jllm.server.http.ServedModel;
import dev.jllm.server.runner.ModelRunner;
import dev.jllm.server.runner.BatchedModelRunner;
import dev.jllm.server.scheduler.BlockManager;
import dev.jllm.server.scheduler.Scheduler;
import dev.jllm.server.scheduler.SchedulerConfig;
import dev.jllm.server.serving.ServingEngine;
import dev.jllm.server.serving.ServingMetrics;
import dev.jllm.template.ChatTemplate;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * How a model is served: batch limits, KV cache pool and admission control. {@link #serve} assembles the scheduler,
 * block manager, model runner and serving engine for a loaded model.
 *
 * @param name          the model id clients send and {@code /v1/models} lists
 * @param parallel      sequences run at once (the running set)
 * @param contextSize   tokens per sequence; 0 for the model's context length, at most {@link #DEFAULT_CONTEXT}
 * @param stepTokens    the token budget of one step (decode tokens plus prompt chunks)
 * @param blockSize     tokens per KV block
 * @param kvBlocks      KV blocks in the pool; 0 for enough to give every running sequence a full context
 * @param maxWaiting    requests that may wait to start before new ones get 429
 * @param chatTemplate  a built-in template name to use instead of the model's, or null
 */
public record ServingOptions(String name, int parallel, int contextSize, int stepTokens, int blockSize, int kvBlocks,
                             int maxWaiting, String chatTemplate) {
    public static final int DEFAULT_CONTEXT = 4096;

    public ServingOptions {
        if (parallel < 1) throw new IllegalArgumentException("--parallel must be at least 1, got " + parallel);
        if (contextSize < 0) throw new IllegalArgumentException("--ctx must not be negative, got " + contextSize);
        if (stepTokens < 1) throw new IllegalArgumentException("--batch-tokens must be at least 1, got " + stepTokens);
        if (blockSize < 1) throw new IllegalArgumentException("--block-size must be at least 1, got " + blockSize);
        if (kvBlocks < 0) throw new IllegalArgumentException("--kv-blocks must not be negative, got " + kvBlocks);
        if (maxWaiting < 0) throw new IllegalArgumentException("--max-waiting must not be negative, got " + maxWaiting);
    }

    /** Defaults like llama-server's and vLLM's: 4 parallel sequences, 512-token steps, blocks of 16 tokens. */
    public static ServingOptions defaults(String name) {
        return new ServingOptions(name, 4, 0, 512, 16, 0, 64, null);
    }

    /** The context size a sequence gets with {@code model}: {@link #contextSize} checked against the model's limit. */
    public int context(Model model) {
        int limit = model.config().contextLength();
        if (contextSize > limit) throw new IllegalArgumentException("--ctx " + contextSize + " exceeds the model's context length " + limit);
        return contextSize > 0 ? contextSize : Math.min(limit, DEFAULT_CONTEXT);
    }

    /**
     * Builds the serving stack for {@code model} with a {@link BatchedModelRunner} (one forward pass per step for the
     * whole batch, on the block manager's KV blocks of {@code kvType}) and starts its engine thread.
     */
    public ServedModel serve(Model model, KvType kvType, MeterRegistry registry) {
        return serve(model, new BatchedModelRunner(model, kvType, blockSize, blocks(model), context(model), stepTokens), registry);
    }

    /**
     * Builds the serving stack around {@code runner} (which must run up to {@link #parallel} sequences of
     * {@link #context} tokens in a pool of {@link #blocks} blocks of {@link #blockSize}) and starts its engine thread.
     */
    public ServedModel serve(Model model, ModelRunner runner, MeterRegistry registry) {
        int ctx = context(model);
        Scheduler scheduler = new Scheduler(new SchedulerConfig(parallel, stepTokens, ctx), new BlockManager(blocks(model), blockSize, true));
        ServingEngine engine = new ServingEngine(scheduler, runner, model.tokenizer(), new ServingMetrics(registry), maxWaiting);
        ChatTemplate template = chatTemplate != null ? ChatTemplate.named(chatTemplate) : ServedModel.templateOf(model);
        return new ServedModel(name, model.tokenizer(), template, engine);
    }

    /** KV blocks in the pool: {@link #kvBlocks}, or enough for every running sequence to fill its context. */
    public int blocks(Model model) {
        int ctx = context(model);
        return kvBlocks > 0 ? kvBlocks : parallel * ((ctx + blockSize - 1) / blockSize);
    }
}
