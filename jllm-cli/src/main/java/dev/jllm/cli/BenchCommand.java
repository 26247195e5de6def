package dev.jllm.cli;

import dev.jllm.engine.model.Model;
import dev.jllm.engine.runtime.Session;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * `jllm bench`: llama-bench's pp/tg figures. Prefill runs a prompt of random tokens as one batch into an empty
 * cache; decode then appends tokens one at a time after it. Each is repeated and the median reported.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure prefill and decode speed (tokens/s), as llama-bench's pp and tg tests.")
final class BenchCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;

    @Option(names = {"-p", "--n-prompt"}, paramLabel = "N", description = "Prompt tokens for the prefill test (default ${DEFAULT-VALUE})")
    int promptTokens = 512;

    @Option(names = {"-n", "--n-gen"}, paramLabel = "N", description = "Tokens for the decode test (default ${DEFAULT-VALUE})")
    int genTokens = 128;

    @Option(names = {"-r", "--repetitions"}, paramLabel = "N", description = "Runs of each test; the median is reported (default ${DEFAULT-VALUE})")
    int repetitions = 3;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (promptTokens < 1 || genTokens < 1 || repetitions < 1) {
            throw new IllegalArgumentException("--n-prompt, --n-gen and --repetitions must be at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Model model = modelOptions.load()) {
            if (modelOptions.contextSize == 0) modelOptions.contextSize = Math.min(model.config().contextLength(), promptTokens + genTokens);
            Session session = modelOptions.session(model);
            if (promptTokens + genTokens > session.contextSize()) {
                throw new IllegalArgumentException("--n-prompt + --n-gen = " + (promptTokens + genTokens) + " exceeds the context " + session.contextSize());
            }
            SplittableRandom random = new SplittableRandom(42);
            int vocab = model.config().vocabSize();
            int[] prompt = random.ints(promptTokens, 0, vocab).toArray();
            double[] prefill = new double[repetitions], decode = new double[repetitions];
            for (int r = 0; r < repetitions; r++) {
                session.reset();
                long t0 = System.nanoTime();
                session.append(prompt);
                prefill[r] = promptTokens / ((System.nanoTime() - t0) / 1e9);
                long t1 = System.nanoTime();
                for (int i = 0; i < genTokens; i++) session.append(random.nextInt(vocab));
                decode[r] = genTokens / ((System.nanoTime() - t1) / 1e9);
                out.printf(Locale.ROOT, "run %d: prefill pp%d %.2f tok/s, decode tg%d %.2f tok/s%n", r + 1, promptTokens, prefill[r], genTokens, decode[r]);
                out.flush();
            }
            out.printf(Locale.ROOT, "median: prefill %.2f tok/s, decode %.2f tok/s%n", median(prefill), median(decode));
        }
        return 0;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }
}
