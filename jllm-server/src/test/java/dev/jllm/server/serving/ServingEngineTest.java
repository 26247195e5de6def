package dev.jllm.server.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jllm.engine.model.Model;
import dev.jllm.engine.runtime.Generator;
import dev.jllm.engine.runtime.Session;
import dev.jllm.engine.sample.SamplingParams;
import dev.jllm.engine.testing.SharedFiles;
import dev.jllm.engine.runtime.KvType;
import dev.jllm.server.runner.BatchedModelRunner;
import dev.jllm.server.scheduler.BlockManager;
import dev.jllm.server.scheduler.Scheduler;
import dev.jllm.server.scheduler.SchedulerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The serving loop on stories260K with the session runner: results equal the single-sequence Generator's. */
class ServingEngineTest {
    static Model model;
    static final int CONTEXT = 256;
    /** Two of them share a prefix longer than a block, so the prefix cache and copy-on-write take part. */
    static final String[] PROMPTS = {"Once upon a time", "The little dog", "Lily and Ben went to the park",
            "One day, a big bird", "Tom had a red ball. He", "Once upon a time, there was a little girl"};

    @BeforeAll
    static void load() {
        model = Model.load(SharedFiles.file("models/stories260K/stories260K.gguf"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static ServingEngine engine(int maxRunning, int stepTokens, int blocks, int blockSize, int maxWaiting) {
        return engine(maxRunning, stepTokens, blocks, blockSize, maxWaiting, CONTEXT);
    }

    private static ServingEngine engine(int maxRunning, int stepTokens, int blocks, int blockSize, int maxWaiting, int context) {
        Scheduler scheduler = new Scheduler(new SchedulerConfig(maxRunning, stepTokens, context), new BlockManager(blocks, blockSize, true));
        return new ServingEngine(scheduler, new BatchedModelRunner(model, KvType.F32, blockSize, blocks, context, stepTokens), model.tokenizer(),
                new ServingMetrics(new SimpleMeterRegistry()), maxWaiting);
    }

    private static int[] prompt(String text) {
        return model.tokenizer().encode(text, true, false);
    }

    private static GenerationRequest request(String text, SamplingParams p, int maxTokens, int n) {
        return new GenerationRequest(prompt(text), new Generator.Options(p, maxTokens, false, List.of()), n, -1, Long.MAX_VALUE);
    }

    private static Generator.Result alone(String text, SamplingParams p, int maxTokens) {
        return new Generator(new Session(model, CONTEXT)).generate(prompt(text), new Generator.Options(p, maxTokens, false, List.of()), s -> {});
    }

    @Test
    void greedyOutputInABusyBatchEqualsTheSameRequestServedAlone() throws Exception {
        // small step budget (chunked prefill); sequences of at most 128 tokens, and a pool of 160 that four running
        // sequences of ~70 tokens outgrow (preemptions)
        try (ServingEngine e = engine(4, 6, 40, 4, 100, 128)) {
            List<RecordingListener> listeners = new ArrayList<>();
            for (String p : PROMPTS) {
                RecordingListener l = new RecordingListener(1);
                e.submit(request(p, SamplingParams.greedy(), 60, 1), l);
                listeners.add(l);
            }
            for (int i = 0; i < PROMPTS.length; i++) {
                int[] usage = listeners.get(i).await();
                Generator.Result expected = alone(PROMPTS[i], SamplingParams.greedy(), 60);
                assertThat(listeners.get(i).ids(0)).as(PROMPTS[i]).isEqualTo(expected.ids());
                assertThat(listeners.get(i).text.get(0).toString()).isEqualTo(expected.text());
                assertThat(usage).containsExactly(prompt(PROMPTS[i]).length, expected.ids().length);
            }
            waitFor(() -> e.metrics().kvBlocksUsed() == 0);
            assertThat(e.metrics().registry().get("jllm.preemptions").functionCounter().count()).as("preemptions").isPositive();
        }
    }

    @Test
    void choicesSampleWithConsecutiveSeedsAndShareThePrompt() throws Exception {
        SamplingParams p = SamplingParams.defaults().withTemperature(1.0f).withSeed(42);
        try (ServingEngine e = engine(4, 64, 64, 16, 10)) {
            RecordingListener l = new RecordingListener(3);
            e.submit(request(PROMPTS[0], p, 30, 3), l);
            int[] usage = l.await();
            for (int c = 0; c < 3; c++) {
                assertThat(l.ids(c)).as("choice %d", c).isEqualTo(alone(PROMPTS[0], p.withSeed(42 + c), 30).ids());
            }
            assertThat(l.ids(0)).isNotEqualTo(l.ids(1));
            assertThat(usage[1]).isEqualTo(90);
        }
    }

    @Test
    void logprobsAreTheLogSoftmaxOfTheLogits() throws Exception {
        int[] ids = prompt(PROMPTS[0]);
        float[] logits = new Session(model, CONTEXT).feed(ids);
        try (ServingEngine e = engine(2, 64, 64, 16, 10)) {
            RecordingListener l = new RecordingListener(1);
            e.submit(new GenerationRequest(ids, new Generator.Options(SamplingParams.greedy(), 1, false, List.of()), 1, 3, Long.MAX_VALUE), l);
            l.await();
            TokenLogprobs lp = l.logprobs.getFirst();
            double z = 0;
            for (float v : logits) z += Math.exp(v);
            int argmax = 0;
            for (int i = 1; i < logits.length; i++) if (logits[i] > logits[argmax]) argmax = i;
            assertThat(l.ids(0)).containsExactly(argmax);
            assertThat((double) lp.logprob()).isCloseTo(logits[argmax] - Math.log(z), org.assertj.core.data.Offset.offset(1e-4));
            assertThat(lp.topIds()).hasSize(3).startsWith(argmax);
            assertThat(lp.topLogprobs()[0]).isGreaterThanOrEqualTo(lp.topLogprobs()[1]);
            assertThat(lp.topLogprobs()[1]).isGreaterThanOrEqualTo(lp.topLogprobs()[2]);
        }
    }

    @Test
    void cancellingFreesTheBlocksAndTheOthersGoOn() throws Exception {
        try (ServingEngine e = engine(2, 64, 64, 16, 10)) {
            RecordingListener cancelled = new RecordingListener(1);
            RequestHandle h = e.submit(request(PROMPTS[0], SamplingParams.greedy(), 200, 1), cancelled);
            RecordingListener other = new RecordingListener(1);
            e.submit(request(PROMPTS[1], SamplingParams.greedy(), 20, 1), other);
            h.cancel();
            other.await();
            waitFor(() -> e.metrics().kvBlocksUsed() == 0);
            assertThat(cancelled.done).isNotDone();
            assertThat(other.ids(0)).isEqualTo(alone(PROMPTS[1], SamplingParams.greedy(), 20).ids());
        }
    }

    @Test
    void aFullQueueRefusesWithRetryAfter() throws Exception {
        try (ServingEngine e = engine(1, 64, 64, 16, 1)) {
            List<RecordingListener> accepted = new ArrayList<>();
            int refused = 0;
            for (int i = 0; i < 6; i++) {
                RecordingListener l = new RecordingListener(1);
                try {
                    e.submit(request(PROMPTS[i % PROMPTS.length], SamplingParams.greedy(), 100, 1), l);
                    accepted.add(l);
                } catch (RejectedRequestException x) {
                    assertThat(x.reason()).isEqualTo(RejectedRequestException.Reason.QUEUE_FULL);
                    assertThat(x.retryAfterSeconds()).isBetween(1, 60);
                    refused++;
                }
            }
            // one running plus one waiting at most; the engine may have started the first already, or not
            assertThat(refused).isBetween(4, 5);
            for (RecordingListener l : accepted) l.await();
        }
    }

    @Test
    void aRequestPastItsDeadlineFails() throws Exception {
        try (ServingEngine e = engine(1, 64, 64, 16, 10)) {
            RecordingListener l = new RecordingListener(1);
            e.submit(new GenerationRequest(prompt(PROMPTS[0]), new Generator.Options(SamplingParams.greedy(), -1, true, List.of()), 1, -1,
                    System.nanoTime() - 1), l);
            assertThatThrownBy(l::await).isInstanceOf(ExecutionException.class).hasMessageContaining("TIMEOUT");
            waitFor(() -> e.metrics().kvBlocksUsed() == 0);
        }
    }

    @Test
    void shutdownFinishesWorkInFlightAndRefusesNewWork() throws Exception {
        ServingEngine e = engine(2, 64, 64, 16, 10);
        RecordingListener l = new RecordingListener(1);
        e.submit(request(PROMPTS[0], SamplingParams.greedy(), 30, 1), l);
        e.shutdown(Duration.ofSeconds(60));
        assertThatThrownBy(() -> e.submit(request(PROMPTS[1], SamplingParams.greedy(), 5, 1), new RecordingListener(1)))
                .isInstanceOf(RejectedRequestException.class).hasMessageContaining("shutting down");
        assertThat(l.await()[1]).isEqualTo(30);
        assertThat(e.awaitTermination(Duration.ofSeconds(30))).isTrue();
    }

    @Test
    void shutdownWithoutGraceFailsWhatIsLeft() throws Exception {
        ServingEngine e = engine(1, 64, 64, 16, 10);
        RecordingListener l = new RecordingListener(1);
        e.submit(new GenerationRequest(prompt(PROMPTS[0]), new Generator.Options(SamplingParams.greedy(), -1, true, List.of()), 1, -1, Long.MAX_VALUE), l);
        e.shutdown(Duration.ZERO);
        assertThatThrownBy(l::await).hasMessageContaining("SHUTDOWN");
        assertThat(e.awaitTermination(Duration.ofSeconds(30))).isTrue();
        assertThat(e.metrics().kvBlocksUsed()).isZero();
    }

    @Test
    void rejectsRequestsThatCanNeverRun() {
        try (ServingEngine e = engine(2, 64, 64, 16, 10)) {
            int[] tooLong = new int[CONTEXT + 1];
            java.util.Arrays.fill(tooLong, 5);
            assertThatThrownBy(() -> e.submit(new GenerationRequest(tooLong, new Generator.Options(SamplingParams.greedy(), 1, false, List.of()), 1, -1, Long.MAX_VALUE), new RecordingListener(1)))
                    .hasMessageContaining("more than the context of 256");
            assertThatThrownBy(() -> e.submit(request(PROMPTS[0], SamplingParams.greedy(), 5, 3), new RecordingListener(3)))
                    .hasMessageContaining("n is 3");
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 500 && !condition.getAsBoolean(); i++) Thread.sleep(10);
        assertThat(condition.getAsBoolean()).isTrue();
    }
}
