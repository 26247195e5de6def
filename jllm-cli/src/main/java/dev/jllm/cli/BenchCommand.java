package dev.jllm.cli;

import dev.jllm.cli.bench.BenchChart;
import dev.jllm.cli.bench.BenchResult;
import dev.jllm.cli.bench.BenchTable;
import dev.jllm.cli.bench.ChildBench;
import dev.jllm.cli.bench.ModelBench;
import dev.jllm.cli.hub.ModelReference;
import dev.jllm.engine.model.Model;
import dev.jllm.engine.runtime.KvType;
import dev.jllm.engine.runtime.Parallel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * `jllm bench`: llama-bench's pp/tg figures beside the memory bandwidth they are bound by. -p, -n and -t take
 * comma-separated lists, as llama-bench's do, and every combination is run; thread counts other than this process's
 * pool size run in a child JVM each (the pool's size is fixed per process).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure prefill and decode speed (tokens/s, as llama-bench's pp and tg tests) and the memory "
                + "read bandwidth with the same threads, and how close decode comes to it (roofline share).",
                "Prefill runs a prompt of random tokens as one batch into an empty cache; decode appends n-gen "
                + "tokens one at a time to an empty cache, as llama-bench's tg test. With --parallel N, N sequences do "
                + "both at once. Lists run every combination."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
            description = "GGUF file, or a Hugging Face reference OWNER/REPO[:FILE|:QUANT]")
    String model;

    @Option(names = {"-p", "--n-prompt"}, split = ",", defaultValue = "512", paramLabel = "N",
            description = "Prompt tokens of the prefill test (default ${DEFAULT-VALUE})")
    List<Integer> prompts;

    @Option(names = {"-n", "--n-gen"}, split = ",", defaultValue = "128", paramLabel = "N",
            description = "Tokens of the decode test (default ${DEFAULT-VALUE})")
    List<Integer> gens;

    @Option(names = {"-np", "--parallel"}, split = ",", defaultValue = "1", paramLabel = "N",
            description = "Sequences run at once, each with its own cache and prompt (llama-batched-bench's -npl): every decode "
                    + "step appends a token to each in one forward pass, as a server's continuous batching does; speeds are "
                    + "all the sequences' tokens/s together, and the table says how many times one sequence's decode they reach "
                    + "(default ${DEFAULT-VALUE})")
    List<Integer> parallels;

    @Option(names = {"-d", "--n-depth"}, paramLabel = "N",
            description = "Tokens already in the cache when each test starts, as llama-bench's -d (default ${DEFAULT-VALUE})")
    int depth = 0;

    @Option(names = {"-t", "--threads"}, split = ",", paramLabel = "N",
            description = "Thread counts (default: all cores, or -Djllm.threads)")
    List<Integer> threads;

    @Option(names = {"-r", "--repetitions"}, paramLabel = "N",
            description = "Timed runs of each test after one warm-up run; the median counts (default ${DEFAULT-VALUE})")
    int repetitions = 3;

    @Option(names = "--kv-type", paramLabel = "TYPE", defaultValue = "f32", converter = ModelOptions.KvTypeConverter.class,
            completionCandidates = ModelOptions.KvTypeNames.class,
            description = "KV-cache element type (supported: ${COMPLETION-CANDIDATES}; default ${DEFAULT-VALUE})")
    KvType kvType;

    @Option(names = "--json", description = "Print one JSON object per result (one line each) instead of a table")
    boolean json;

    @Option(names = "--chart", paramLabel = "FILE.html",
            description = "Also write the results as an HTML page with SVG charts (no scripts, works offline)")
    Path chart;

    @Option(names = "--bandwidth-mib", paramLabel = "MIB",
            description = "Size of the buffer the memory bandwidth is measured over, far above the L3 cache (default ${DEFAULT-VALUE})")
    int bandwidthMib = 1024;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        checkArguments();
        PrintWriter err = spec.commandLine().getErr();
        ModelOptions.warnIfKernelsAreSlow(err);
        // the thread pool takes its size from this property when first used; if it exists already, children run -t
        if (threads != null) System.setProperty("jllm.threads", threads.getFirst().toString());
        Path path = ModelReference.resolve(model);
        List<BenchResult> results = new ArrayList<>();
        try (Model m = Model.load(path)) {
            int needed = depth + Math.max(max(prompts), max(gens));
            if (needed > m.config().contextLength()) {
                throw new IllegalArgumentException("the depth and the longest test, " + depth + " + " + Math.max(max(prompts), max(gens))
                        + " tokens, exceed the model's context length " + m.config().contextLength());
            }
            int here = Parallel.threads();
            ModelBench bench = new ModelBench(m, path.getFileName().toString(), kvType, repetitions,
                    (long) bandwidthMib << 20, err);
            for (int t : threads != null ? threads : List.of(here)) {
                results.addAll(t == here ? bench.run(parallels, prompts, gens, depth) : ChildBench.run(childArguments(path, t), err));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            for (BenchResult r : results) out.println(r.toJson());
            out.flush();
        } else {
            BenchTable.print(results, out);
        }
        if (chart != null) {
            BenchChart.write(chart, results);
            err.println("bench: chart written to " + chart);
            err.flush();
        }
        return 0;
    }

    private void checkArguments() {
        checkList("-np/--parallel", parallels);
        checkList("-p/--n-prompt", prompts);
        checkList("-n/--n-gen", gens);
        if (threads != null) checkList("-t/--threads", threads);
        if (depth < 0) throw new IllegalArgumentException("-d/--n-depth must not be negative, got " + depth);
        if (repetitions < 1) throw new IllegalArgumentException("--repetitions must be at least 1, got " + repetitions);
        if (bandwidthMib < 1) throw new IllegalArgumentException("--bandwidth-mib must be at least 1, got " + bandwidthMib);
        if (chart != null) {
            String name = chart.getFileName().toString().toLowerCase(Locale.ROOT);
            if (!name.endsWith(".html") && !name.endsWith(".htm")) {
                throw new IllegalArgumentException("--chart writes an HTML page: give a file name ending in .html, got " + chart);
            }
            Path dir = chart.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) throw new IllegalArgumentException("--chart " + chart + ": no such directory " + dir);
        }
    }

    private static void checkList(String option, List<Integer> values) {
        for (int v : values) if (v < 1) throw new IllegalArgumentException(option + " values must be at least 1, got " + v);
        if (new HashSet<>(values).size() < values.size()) {
            throw new IllegalArgumentException(option + " lists a value twice: " + join(values));
        }
    }

    /** The arguments that make a child JVM run this benchmark's points for {@code t} threads. */
    private List<String> childArguments(Path path, int t) {
        return List.of("-m", path.toAbsolutePath().toString(), "-t", Integer.toString(t), "-np", join(parallels), "-p", join(prompts), "-n", join(gens), "-d", Integer.toString(depth),
                "-r", Integer.toString(repetitions), "--kv-type", kvType.ggmlName, "--bandwidth-mib", Integer.toString(bandwidthMib));
    }

    private static String join(List<Integer> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static int max(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }
}
