package dev.jllm.server.http;

import dev.jllm.server.runner.ModelRunner;
import dev.jllm.server.scheduler.ScheduledStep;
import java.util.Map;
import java.util.concurrent.Semaphore;

/** A real runner whose steps each wait for a permit, so that a test decides when the engine makes progress. */
final class GatedRunner implements ModelRunner {
    private final ModelRunner inner;
    final Semaphore permits = new Semaphore(0);

    GatedRunner(ModelRunner inner) {
        this.inner = inner;
    }

    void open() {
        permits.release(1_000_000);
    }

    @Override
    public int vocabSize() {
        return inner.vocabSize();
    }

    @Override
    public Map<Long, float[]> execute(ScheduledStep step) {
        permits.acquireUninterruptibly();
        return inner.execute(step);
    }

    @Override
    public void release(long sequenceId) {
        inner.release(sequenceId);
    }

    @Override
    public void close() {
        inner.close();
    }
}
