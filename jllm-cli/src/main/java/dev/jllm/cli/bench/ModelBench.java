package dev.jllm.cli.bench;

import dev.jllm.engine.model.Model;
import dev.jllm.engine.runtime.ForwardPass;
import dev.jllm.engine.runtime.KvCache;
import dev.jllm.engine.runtime.KvType;
import dev.jllm.engine.runtime.MemoryBandwidth;
import dev.jllm.engine.runtime.Parallel;
import dev.jllm.engine.runtime.Session;
import dev.jllm.engine.runtime.VectorSupport;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Runs llama-bench's two tests in this process, on {@link Parallel}'s threads: prefill, a prompt of random tokens
 * as one batch into an empty cache, then decode, tokens appended one at a time to an empty cache. With several
 * sequences at once (llama-batched-bench's -npl), each sequence has a cache and a prompt of its own: prefill runs
 * all the prompts in steps of up to {@link Session#DEFAULT_BATCH} tokens, and every decode step appends one token to
 * each sequence in one forward pass, as a server's continuous batching does; the speeds are then the aggregate
 * tokens/s of all the sequences. Each point gets an uncounted warm-up run (the JIT compiles the kernels during it),
 * then {@code repetitions} timed runs, of which the medians count.
 */
public final class ModelBench {
    /** Decode tokens of the warm-up run: enough for C2 to compile the single-token path. */
    private static final int WARM_UP_DECODE = 16;
    private static final int BANDWIDTH_PASSES = 5;

    private final Model model;
    private final String modelName;
    private final KvType kvType;
    private final int repetitions;
    private final long bandwidthBytes;
    private final PrintWriter progress;

    /**
     * @param bandwidthBytes the size of the buffer the memory bandwidth is measured over
     * @param progress where each run's figures go as they come (stderr)
     */
    public ModelBench(Model model, String modelName, KvType kvType, int repetitions, long bandwidthBytes, PrintWriter progress) {
        this.model = model;
        this.modelName = modelName;
        this.kvType = kvType;
        this.repetitions = repetitions;
        this.bandwidthBytes = bandwidthBytes;
        this.progress = progress;
    }

    /**
     * Every combination of sequence count, prompt and generation length, in that order, on this process's thread
     * count, each test starting with {@code depth} tokens in every sequence's cache.
     */
    public List<BenchResult> run(List<Integer> parallels, List<Integer> prompts, List<Integer> gens, int depth) {
        int threads = Parallel.threads();
        DecodeTraffic traffic = DecodeTraffic.of(model.weights());
        log("measuring memory bandwidth: %s reading %d MiB", BenchTable.threads(threads), bandwidthBytes >> 20);
        double gbps = MemoryBandwidth.measure(bandwidthBytes, threads, BANDWIDTH_PASSES).gigabytesPerSecond();
        log("memory bandwidth: %.1f GB/s", gbps);
        int context = depth + Math.max(max(prompts), max(gens));
        List<BenchResult> results = new ArrayList<>();
        for (int sequences : parallels) {
            KvCache[] caches = new KvCache[sequences];
            for (int s = 0; s < sequences; s++) caches[s] = new KvCache(model.config(), context, kvType);
            ForwardPass pass = new ForwardPass(model, Math.max(sequences, Math.min(Session.DEFAULT_BATCH, sequences * max(prompts))));
            for (int p : prompts) {
                for (int n : gens) {
                    double[][] speeds = measure(pass, caches, threads, p, n, depth);
                    results.add(new BenchResult(modelName, traffic.type().name(), threads, sequences, p, n, depth, repetitions, kvType.ggmlName,
                            median(speeds[0]), median(speeds[1]), gbps, traffic.bytesPerToken(), VectorSupport.current()));
                }
            }
            for (KvCache c : caches) c.release();
        }
        return results;
    }

    /** Prefill and decode tokens/s (of all the sequences together) of each repetition. */
    private double[][] measure(ForwardPass pass, KvCache[] caches, int threads, int p, int n, int depth) {
        SplittableRandom random = new SplittableRandom(42);
        int vocab = model.config().vocabSize();
        int sequences = caches.length;
        int[][] prompts = new int[sequences][];
        int[][] generated = new int[sequences][];
        for (int s = 0; s < sequences; s++) {
            prompts[s] = random.ints(p, 0, vocab).toArray();
            generated[s] = random.ints(n, 0, vocab).toArray();
        }
        int[] context = random.ints(depth, 0, vocab).toArray();
        float[][] logits = new float[sequences][vocab];
        String point = BenchTable.threads(threads) + (sequences > 1 ? ", " + sequences + " sequences" : "") + ", pp" + p + " tg" + n
                + (depth > 0 ? " @ d" + depth : "");
        log("%s: warm-up", point);
        startAtDepth(pass, caches, context);
        prefill(pass, caches, prompts, depth, logits);
        startAtDepth(pass, caches, context);
        for (int i = 0; i < Math.min(n, WARM_UP_DECODE); i++) decodeStep(pass, caches, generated, i, depth + i, logits);
        double[] prefill = new double[repetitions];
        double[] decode = new double[repetitions];
        for (int r = 0; r < repetitions; r++) {
            // as llama-bench's pp and tg tests: the prompts, then the generated tokens, each after the depth's context
            startAtDepth(pass, caches, context);
            long t0 = System.nanoTime();
            prefill(pass, caches, prompts, depth, logits);
            long t1 = System.nanoTime();
            startAtDepth(pass, caches, context);
            long t2 = System.nanoTime();
            for (int i = 0; i < n; i++) decodeStep(pass, caches, generated, i, depth + i, logits);
            long t3 = System.nanoTime();
            prefill[r] = (double) sequences * p / ((t1 - t0) / 1e9);
            decode[r] = (double) sequences * n / ((t3 - t2) / 1e9);
            log("%s: run %d/%d: prefill %.2f tok/s, decode %.2f tok/s", point, r + 1, repetitions, prefill[r], decode[r]);
        }
        return new double[][] {prefill, decode};
    }

    /**
     * Runs every sequence's prompt from position {@code start}, in steps of up to the pass's batch of tokens: a step
     * takes the prompts in order and splits one where the batch is full, so each cache appears at most once per step.
     */
    private static void prefill(ForwardPass pass, KvCache[] caches, int[][] prompts, int start, float[][] logits) {
        List<ForwardPass.SequenceStep> step = new ArrayList<>();
        int room = pass.maxBatch();
        for (int s = 0; s < caches.length; s++) {
            int[] prompt = prompts[s];
            for (int done = 0; done < prompt.length; ) {
                int take = Math.min(room, prompt.length - done);
                boolean last = done + take == prompt.length;
                step.add(new ForwardPass.SequenceStep(caches[s], start + done, Arrays.copyOfRange(prompt, done, done + take), last ? logits[s] : null));
                done += take;
                room -= take;
                if (room == 0) {
                    pass.forwardBatch(step);
                    step.clear();
                    room = pass.maxBatch();
                }
            }
        }
        if (!step.isEmpty()) pass.forwardBatch(step);
    }

    /** Appends generated token {@code i} of each sequence at {@code position}, all in one forward pass. */
    private static void decodeStep(ForwardPass pass, KvCache[] caches, int[][] generated, int i, int position, float[][] logits) {
        List<ForwardPass.SequenceStep> step = new ArrayList<>(caches.length);
        for (int s = 0; s < caches.length; s++) {
            step.add(new ForwardPass.SequenceStep(caches[s], position, new int[] {generated[s][i]}, logits[s]));
        }
        pass.forwardBatch(step);
    }

    /**
     * Leaves exactly the depth's tokens in every cache (untimed): the first call computes them, later ones keep them
     * (unless a sliding window dropped keys they need).
     */
    private static void startAtDepth(ForwardPass pass, KvCache[] caches, int[] context) {
        for (KvCache cache : caches) {
            if (context.length > 0 && cache.length() >= context.length && cache.canContinueAt(context.length)) {
                cache.truncate(context.length);
            } else {
                cache.release();
                if (context.length > 0) pass.forward(cache, context, 0);
            }
        }
    }

    private void log(String format, Object... args) {
        progress.println("bench: " + String.format(Locale.ROOT, format, args));
        progress.flush();
    }

    private static int max(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }
}
