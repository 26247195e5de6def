package dev.jllm.server.serving;

import dev.jllm.engine.runtime.GenerationStream;
import dev.jllm.engine.runtime.Generator;
import dev.jllm.engine.runtime.Parallel;
import dev.jllm.engine.sample.SamplingParams;
import dev.jllm.engine.tokenizer.Tokenizer;
import dev.jllm.server.runner.ModelRunner;
import dev.jllm.server.scheduler.ScheduledChunk;
import dev.jllm.server.scheduler.ScheduledStep;
import dev.jllm.server.scheduler.Scheduler;
import dev.jllm.server.scheduler.Sequence;
import dev.jllm.server.serving.GenerationListener.Failure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The serving loop (vLLM's engine core): one thread that, step after step, takes new requests and cancellations,
 * asks the {@link Scheduler} for the next batch, runs it on the {@link ModelRunner}, samples every sequence that got
 * logits ({@link GenerationStream}: penalties, stop strings, limits) and hands tokens and text to each request's
 * {@link GenerationListener}. Requests arrive from any thread through {@link #submit}.
 *
 * <p>Admission control: at most {@code maxWaiting} requests may wait to start (more are refused with
 * {@link RejectedRequestException.Reason#QUEUE_FULL}); a request past its deadline fails with
 * {@link Failure#TIMEOUT}; a cancelled one (its client went away) leaves at the next step with its blocks freed;
 * {@link #shutdown} refuses new work, lets the work in flight finish for a grace period and fails what is left.
 */
public final class ServingEngine implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ServingEngine.class.getName());
    /** How often an idle loop wakes to check deadlines. */
    private static final long IDLE_WAIT_MILLIS = 100;

    private final Scheduler scheduler;
    private final ModelRunner runner;
    private final Tokenizer tokenizer;
    private final ServingMetrics metrics;
    private final int maxWaiting;
    private final LinkedBlockingQueue<Command> inbox = new LinkedBlockingQueue<>();
    private final AtomicInteger waitingRequests = new AtomicInteger();
    private final AtomicLong nextRequestId = new AtomicLong(1);
    private final Object admission = new Object();
    private volatile boolean accepting = true;
    private volatile long shutdownDeadline = Long.MAX_VALUE;
    private volatile double averageRequestSeconds = 1;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final Thread thread;

    // owned by the engine thread
    private final Map<Long, RequestState> requests = new HashMap<>();
    private final Map<Long, Choice> bySequence = new HashMap<>();
    private long nextSequenceId = 1;

    private sealed interface Command {}

    private record Submit(RequestState request) implements Command {}

    private record Cancel(long requestId) implements Command {}

    private static final class RequestState implements RequestHandle {
        final long id;
        final GenerationRequest request;
        final GenerationListener listener;
        final long arrivalNanos = System.nanoTime();
        final Choice[] choices;
        final ServingEngine engine;
        boolean started;
        int finishedChoices;
        int completionTokens;

        RequestState(long id, GenerationRequest request, GenerationListener listener, ServingEngine engine) {
            this.id = id;
            this.request = request;
            this.listener = listener;
            this.choices = new Choice[request.choices()];
            this.engine = engine;
        }

        @Override
        public long id() {
            return id;
        }

        @Override
        public void cancel() {
            engine.inbox.add(new Cancel(id));
        }
    }

    private static final class Choice {
        final RequestState request;
        final int index;
        final long sequenceId;
        final GenerationStream stream;
        int tokens;
        long lastTokenNanos;

        Choice(RequestState request, int index, long sequenceId, GenerationStream stream) {
            this.request = request;
            this.index = index;
            this.sequenceId = sequenceId;
            this.stream = stream;
        }
    }

    /**
     * @param maxWaiting requests that may wait to start before new ones are refused
     */
    public ServingEngine(Scheduler scheduler, ModelRunner runner, Tokenizer tokenizer, ServingMetrics metrics, int maxWaiting) {
        if (maxWaiting < 0) throw new IllegalArgumentException("the waiting queue bound must not be negative, got " + maxWaiting);
        this.scheduler = scheduler;
        this.runner = runner;
        this.tokenizer = tokenizer;
        this.metrics = metrics;
        this.maxWaiting = maxWaiting;
        this.thread = Thread.ofPlatform().name("jllm-engine").daemon(true).unstarted(this::loop);
        metrics.publish(scheduler, 0);
        thread.start();
    }

    /** The most tokens a sequence (prompt and generated) may hold. */
    public int contextSize() {
        return scheduler.config().maxSequenceLength();
    }

    /** The most choices one request may ask for (they run at once). */
    public int maxChoices() {
        return scheduler.config().maxRunning();
    }

    public ServingMetrics metrics() {
        return metrics;
    }

    /**
     * Queues a request.
     *
     * @throws RejectedRequestException when the waiting queue is full or the engine is shutting down
     * @throws IllegalArgumentException when the request could never run (prompt or choices over the limits)
     */
    public RequestHandle submit(GenerationRequest request, GenerationListener listener) throws RejectedRequestException {
        if (request.promptIds().length > contextSize()) {
            throw new IllegalArgumentException("the prompt is " + request.promptIds().length
                    + " tokens, more than the context of " + contextSize());
        }
        if (request.choices() > maxChoices()) {
            throw new IllegalArgumentException("n is " + request.choices() + ", more than the " + maxChoices()
                    + " sequences the server runs at once");
        }
        synchronized (admission) {
            if (!accepting) {
                throw new RejectedRequestException(RejectedRequestException.Reason.SHUTTING_DOWN, "the server is shutting down", 5);
            }
            if (waitingRequests.incrementAndGet() > maxWaiting) {
                waitingRequests.decrementAndGet();
                throw new RejectedRequestException(RejectedRequestException.Reason.QUEUE_FULL,
                        "the server is busy: " + maxWaiting + " requests are already waiting", retryAfterSeconds());
            }
            RequestState r = new RequestState(nextRequestId.getAndIncrement(), request, listener, this);
            inbox.add(new Submit(r));
            return r;
        }
    }

    private int retryAfterSeconds() {
        double wait = averageRequestSeconds * Math.max(1, waitingRequests.get()) / scheduler.config().maxRunning();
        return (int) Math.min(60, Math.max(1, Math.ceil(wait)));
    }

    /**
     * Stops accepting requests; the engine finishes what it has for up to {@code grace}, then fails the rest with
     * {@link Failure#SHUTDOWN} and stops. Returns at once; see {@link #awaitTermination}.
     */
    public void shutdown(Duration grace) {
        synchronized (admission) {
            accepting = false;
            long deadline = System.nanoTime() + grace.toNanos();
            shutdownDeadline = Math.min(shutdownDeadline, deadline);
        }
        inbox.add(new Cancel(-1)); // wakes an idle loop
    }

    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
        try {
            awaitTermination(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runner.close();
    }

    private void loop() {
        try {
            while (true) {
                takeCommands(scheduler.hasWork() ? 0 : IDLE_WAIT_MILLIS);
                long now = System.nanoTime();
                expire(now);
                if (!accepting) {
                    if (now - shutdownDeadline >= 0) failAll(Failure.SHUTDOWN, "the server shut down before the request finished");
                    if (requests.isEmpty() && inbox.isEmpty()) break;
                }
                if (scheduler.hasWork()) {
                    try {
                        step();
                    } catch (RuntimeException e) {
                        LOG.log(Level.SEVERE, "engine step failed; failing the requests in flight", e);
                        failAll(Failure.INTERNAL, "the engine failed: " + e);
                    }
                }
                metrics.publish(scheduler, waitingRequests.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failAll(Failure.SHUTDOWN, "the engine was interrupted");
        } finally {
            metrics.publish(scheduler, waitingRequests.get());
            terminated.countDown();
        }
    }

    private void takeCommands(long waitMillis) throws InterruptedException {
        Command c = waitMillis > 0 ? inbox.poll(waitMillis, TimeUnit.MILLISECONDS) : inbox.poll();
        while (c != null) {
            switch (c) {
                case Submit s -> admit(s.request());
                case Cancel x -> {
                    RequestState r = requests.get(x.requestId());
                    if (r != null) end(r);
                }
            }
            c = inbox.poll();
        }
    }

    private void admit(RequestState r) {
        long sequenceId = nextSequenceId++;
        scheduler.add(new Sequence(sequenceId, r.request.promptIds(), r.request.choices()));
        requests.put(r.id, r);
        Choice first = new Choice(r, 0, sequenceId, stream(r, 0));
        r.choices[0] = first;
        bySequence.put(sequenceId, first);
    }

    private GenerationStream stream(RequestState r, int choice) {
        Generator.Options o = r.request.options();
        SamplingParams p = o.sampling();
        if (choice > 0 && p.seed() != SamplingParams.RANDOM_SEED) p = p.withSeed(p.seed() + choice);
        Generator.Options options = new Generator.Options(p, o.maxTokens(), o.ignoreEos(), o.stop());
        return new GenerationStream(tokenizer, runner.vocabSize(), r.request.promptIds(), options, contextSize());
    }

    private void expire(long now) {
        List<RequestState> late = new ArrayList<>();
        for (RequestState r : requests.values()) if (now - r.request.deadlineNanos() > 0) late.add(r);
        for (RequestState r : late) fail(r, Failure.TIMEOUT, "the request did not finish within its time limit");
    }

    private void step() {
        ScheduledStep step = scheduler.schedule();
        for (long id : step.preempted()) runner.release(id);
        if (step.isEmpty()) return;
        for (ScheduledChunk c : step.chunks()) {
            RequestState r = bySequence.get(c.sequenceId()).request;
            if (!r.started) {
                r.started = true;
                waitingRequests.decrementAndGet();
                metrics.promptTokens.increment(r.request.promptIds().length);
            }
        }
        Map<Long, float[]> logits;
        try {
            logits = runner.execute(step);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "the model runner failed; failing the requests of the step", e);
            for (ScheduledChunk c : step.chunks()) {
                Choice ch = bySequence.get(c.sequenceId());
                if (ch != null && requests.containsKey(ch.request.id)) fail(ch.request, Failure.INTERNAL, "the model runner failed: " + e);
            }
            return;
        }
        metrics.stepTokens.increment(step.tokens());
        scheduler.completeStep(step);
        List<Choice> choices = new ArrayList<>();
        List<float[]> choiceLogits = new ArrayList<>();
        for (ScheduledChunk c : step.chunks()) {
            if (!c.wantsLogits()) continue;
            Choice choice = bySequence.get(c.sequenceId());
            if (choice == null) continue; // its request ended earlier in this step
            float[] l = logits.get(c.sequenceId());
            if (l == null) {
                fail(choice.request, Failure.INTERNAL, "the model runner returned no logits for sequence " + c.sequenceId());
                continue;
            }
            RequestState r = choice.request;
            boolean promptDone = scheduler.get(c.sequenceId()).promptLength() == c.end();
            boolean forks = promptDone && r.choices.length > 1 && r.choices[1] == null;
            if (forks) fork(r);
            for (Choice each : forks ? r.choices : new Choice[] {choice}) {
                choices.add(each);
                choiceLogits.add(l);
            }
        }
        // sampling (a softmax over the vocabulary for each sequence) runs on every thread; its results are then
        // handed out in order, as one thread would
        Sampled[] sampled = new Sampled[choices.size()];
        Parallel.forRange(sampled.length, 1, (start, end) -> {
            for (int i = start; i < end; i++) sampled[i] = draw(choices.get(i), choiceLogits.get(i));
        });
        for (int i = 0; i < sampled.length; i++) deliver(choices.get(i), sampled[i]);
    }

    /** The prompt is done: choices 1..n-1 become sequences sharing choice 0's computed prompt. */
    private void fork(RequestState r) {
        long[] ids = new long[r.choices.length - 1];
        for (int i = 0; i < ids.length; i++) ids[i] = nextSequenceId++;
        scheduler.fork(r.choices[0].sequenceId, ids);
        for (int i = 1; i < r.choices.length; i++) {
            Choice c = new Choice(r, i, ids[i - 1], stream(r, i));
            r.choices[i] = c;
            bySequence.put(c.sequenceId, c);
        }
    }

    /** A choice's next token as sampling gave it, with its logprobs when the request wants them. */
    private record Sampled(GenerationStream.Step step, TokenLogprobs logprobs) {}

    /** Samples a choice's next token: touches nothing but the choice's own stream, so choices may draw at once. */
    private static Sampled draw(Choice c, float[] logits) {
        GenerationStream.Step s = c.stream.next(logits);
        int top = c.request.request.topLogprobs();
        return new Sampled(s, top >= 0 ? TokenLogprobs.of(logits, s.token(), top) : null);
    }

    /** Hands a sampled token to its request: metrics, the listener, and the end of the choice or request. */
    private void deliver(Choice c, Sampled sampled) {
        RequestState r = c.request;
        if (!requests.containsKey(r.id)) return; // ended earlier in this step
        GenerationStream.Step s = sampled.step();
        long now = System.nanoTime();
        if (c.tokens == 0) metrics.timeToFirstToken.record(now - r.arrivalNanos, TimeUnit.NANOSECONDS);
        else metrics.interTokenLatency.record(now - c.lastTokenNanos, TimeUnit.NANOSECONDS);
        c.tokens++;
        c.lastTokenNanos = now;
        r.completionTokens++;
        metrics.generationTokens.increment();
        TokenLogprobs lp = sampled.logprobs();
        if (!notify(r, l -> l.onToken(c.index, s.token(), s.text(), lp))) return;
        if (!s.finished()) {
            scheduler.append(c.sequenceId, s.token());
            return;
        }
        release(c);
        if (!notify(r, l -> l.onChoiceFinished(c.index, s.finishReason() == Generator.FinishReason.STOP
                ? FinishReason.STOP : FinishReason.LENGTH, c.tokens))) return;
        if (++r.finishedChoices == r.choices.length) {
            requests.remove(r.id);
            long duration = now - r.arrivalNanos;
            metrics.requestDuration.record(duration, TimeUnit.NANOSECONDS);
            averageRequestSeconds = 0.9 * averageRequestSeconds + 0.1 * duration / 1e9;
            notify(r, l -> l.onCompleted(r.request.promptIds().length, r.completionTokens));
        }
    }

    /** Calls the listener; a listener that throws gets its request cancelled (its client is beyond help). */
    private boolean notify(RequestState r, java.util.function.Consumer<GenerationListener> call) {
        try {
            call.accept(r.listener);
            return true;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "listener of request " + r.id + " failed; cancelling it", e);
            end(r);
            return false;
        }
    }

    private void release(Choice c) {
        if (bySequence.remove(c.sequenceId) == null) return;
        scheduler.finish(c.sequenceId);
        runner.release(c.sequenceId);
    }

    /** Removes a request and frees everything it holds, without telling its listener. */
    private void end(RequestState r) {
        if (requests.remove(r.id) == null) return;
        if (!r.started) waitingRequests.decrementAndGet();
        for (Choice c : r.choices) if (c != null) release(c);
    }

    private void fail(RequestState r, Failure failure, String message) {
        if (!requests.containsKey(r.id)) return;
        end(r);
        try {
            r.listener.onFailed(failure, message);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "listener of request " + r.id + " failed", e);
        }
    }

    private void failAll(Failure failure, String message) {
        for (RequestState r : new ArrayList<>(requests.values())) fail(r, failure, message);
    }
}
