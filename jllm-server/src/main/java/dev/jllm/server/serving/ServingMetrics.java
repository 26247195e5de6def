package dev.jllm.server.serving;

import dev.jllm.server.scheduler.BlockManager;
import dev.jllm.server.scheduler.Scheduler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The serving engine's Prometheus metrics (names after vLLM's). Gauges read snapshots that the engine thread
 * publishes after every step, since the scheduler itself is not thread-safe.
 */
public final class ServingMetrics {
    private final AtomicLong running = new AtomicLong();
    private final AtomicLong waiting = new AtomicLong();
    private final AtomicLong blocksUsed = new AtomicLong();
    private final AtomicLong blocksFree = new AtomicLong();
    private final AtomicLong blocksCached = new AtomicLong();
    private final AtomicLong prefixQueried = new AtomicLong();
    private final AtomicLong prefixHits = new AtomicLong();
    private final AtomicLong preemptions = new AtomicLong();
    final Counter promptTokens;
    final Counter generationTokens;
    final Counter stepTokens;
    final Timer timeToFirstToken;
    final Timer interTokenLatency;
    final Timer requestDuration;
    private final MeterRegistry registry;

    public ServingMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("jllm.requests.running", running, AtomicLong::get)
                .description("Sequences in the running set (decoding or prefilling)").register(registry);
        Gauge.builder("jllm.requests.waiting", waiting, AtomicLong::get)
                .description("Requests accepted and not yet started; the scale-out signal").register(registry);
        Gauge.builder("jllm.kv.blocks.used", blocksUsed, AtomicLong::get)
                .description("KV cache blocks referenced by a sequence").register(registry);
        Gauge.builder("jllm.kv.blocks.free", blocksFree, AtomicLong::get)
                .description("KV cache blocks free for allocation (empty or evictable cached)").register(registry);
        Gauge.builder("jllm.kv.blocks.cached", blocksCached, AtomicLong::get)
                .description("KV cache blocks registered in the prefix cache").register(registry);
        Gauge.builder("jllm.prefix.cache.hit.rate", this, m -> m.prefixQueried.get() == 0 ? 0
                        : (double) m.prefixHits.get() / m.prefixQueried.get())
                .description("Share of prompt tokens found in the prefix cache since start").register(registry);
        FunctionCounter.builder("jllm.prefix.cache.queried.tokens", prefixQueried, AtomicLong::get)
                .description("Prompt tokens looked up in the prefix cache").register(registry);
        FunctionCounter.builder("jllm.prefix.cache.hit.tokens", prefixHits, AtomicLong::get)
                .description("Prompt tokens found in the prefix cache").register(registry);
        FunctionCounter.builder("jllm.preemptions", preemptions, AtomicLong::get)
                .description("Sequences preempted (recomputed later) for lack of KV blocks").register(registry);
        promptTokens = Counter.builder("jllm.prompt.tokens").description("Prompt tokens of requests started").register(registry);
        generationTokens = Counter.builder("jllm.generation.tokens").description("Tokens generated").register(registry);
        stepTokens = Counter.builder("jllm.step.tokens").description("Tokens computed by forward passes (prefill and decode)").register(registry);
        timeToFirstToken = latency("jllm.time.to.first.token", "From arrival to the first generated token");
        interTokenLatency = latency("jllm.inter.token.latency", "Between two generated tokens of a choice");
        requestDuration = latency("jllm.request.duration", "From arrival to the last token");
    }

    private Timer latency(String name, String description) {
        return Timer.builder(name).description(description)
                .serviceLevelObjectives(ms(10), ms(25), ms(50), ms(100), ms(200), ms(500), ms(1000), ms(2500),
                        ms(5000), ms(10000), ms(30000), ms(60000))
                .minimumExpectedValue(ms(1)).maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
    }

    private static Duration ms(long v) {
        return Duration.ofMillis(v);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Called by the engine thread after every step. */
    void publish(Scheduler scheduler, int waitingRequests) {
        BlockManager b = scheduler.blocks();
        running.set(scheduler.running());
        waiting.set(waitingRequests);
        blocksUsed.set(b.usedBlocks());
        blocksFree.set(b.freeBlocks());
        blocksCached.set(b.cachedBlocks());
        prefixQueried.set(b.queriedTokens());
        prefixHits.set(b.hitTokens());
        preemptions.set(scheduler.preemptions());
    }

    public long kvBlocksUsed() {
        return blocksUsed.get();
    }
}
