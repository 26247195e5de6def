package dev.jllm.cli.bench;

import dev.jllm.engine.model.Model;
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
 * as one batch into an empty cache, then decode, tokens appended one at a time after that prompt (so a longer prompt
 * measures decode at a deeper context). Each point gets an uncounted warm-up run (the JIT compiles the kernels
 * during it), then {@code repetitions} timed runs, of which the medians count.
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
     * Every combination of prompt and generation length, in that order, on this process's thread count, each test
     * starting with {@code depth} tokens in the cache.
     */
    public List<BenchResult> run(List<Integer> prompts, List<Integer> gens, int depth) {
        int threads = Parallel.threads();
        DecodeTraffic traffic = DecodeTraffic.of(model.weights());
        log("measuring memory bandwidth: %s reading %d MiB", BenchTable.threads(threads), bandwidthBytes >> 20);
        double gbps = MemoryBandwidth.measure(bandwidthBytes, threads, BANDWIDTH_PASSES).gigabytesPerSecond();
        log("memory bandwidth: %.1f GB/s", gbps);
        int context = depth + Math.max(max(prompts), max(gens));
        Session session = new Session(model, context, kvType);
        List<BenchResult> results = new ArrayList<>();
        for (int p : prompts) {
            for (int n : gens) {
                double[][] speeds = measure(session, threads, p, n, depth);
                results.add(new BenchResult(modelName, traffic.type().name(), threads, p, n, depth, repetitions, kvType.ggmlName,
                        median(speeds[0]), median(speeds[1]), gbps, traffic.bytesPerToken(), VectorSupport.current()));
            }
        }
        return results;
    }

    /** Prefill and decode tokens/s of each repetition. */
    private double[][] measure(Session session, int threads, int p, int n, int depth) {
        SplittableRandom random = new SplittableRandom(42);
        int vocab = model.config().vocabSize();
        int[] prompt = random.ints(p, 0, vocab).toArray();
        int[] generated = random.ints(n, 0, vocab).toArray();
        int[] context = random.ints(depth, 0, vocab).toArray();
        String point = BenchTable.threads(threads) + ", pp" + p + " tg" + n + (depth > 0 ? " @ d" + depth : "");
        log("%s: warm-up", point);
        startAtDepth(session, context);
        session.append(prompt);
        startAtDepth(session, context);
        for (int i = 0; i < Math.min(n, WARM_UP_DECODE); i++) session.append(generated[i]);
        double[] prefill = new double[repetitions];
        double[] decode = new double[repetitions];
        for (int r = 0; r < repetitions; r++) {
            // as llama-bench's pp and tg tests: the prompt, then the generated tokens, each after the depth's context
            startAtDepth(session, context);
            long t0 = System.nanoTime();
            session.append(prompt);
            long t1 = System.nanoTime();
            startAtDepth(session, context);
            long t2 = System.nanoTime();
            for (int token : generated) session.append(token);
            long t3 = System.nanoTime();
            prefill[r] = p / ((t1 - t0) / 1e9);
            decode[r] = n / ((t3 - t2) / 1e9);
            log("%s: run %d/%d: prefill %.2f tok/s, decode %.2f tok/s", point, r + 1, repetitions, prefill[r], decode[r]);
        }
        return new double[][] {prefill, decode};
    }

    /**
     * Leaves exactly the depth's tokens in the cache (untimed): the first call computes them, later ones keep them
     * and recompute only the last (as {@link Session#feed} does).
     */
    private static void startAtDepth(Session session, int[] context) {
        if (context.length == 0) session.reset();
        else session.feed(context);
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
