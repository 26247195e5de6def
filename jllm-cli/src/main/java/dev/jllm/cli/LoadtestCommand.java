package dev.jllm.cli;

import dev.jllm.server.loadtest.LoadGenerator;
import dev.jllm.server.loadtest.LoadTestConfig;
import dev.jllm.server.loadtest.LoadTestReport;
import dev.jllm.server.loadtest.SweepChart;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `jllm loadtest`: a closed-loop load generator for OpenAI-compatible servers (streaming completions). */
@Command(name = "loadtest", mixinStandardHelpOptions = true,
        description = "Load an OpenAI-compatible server with streaming completions; report throughput, TTFT and ITL percentiles, errors by status.")
final class LoadtestCommand implements Callable<Integer> {
    @Option(names = "--url", required = true, paramLabel = "URL", description = "Server base URL, e.g. http://127.0.0.1:8080")
    URI url;

    @Option(names = "--model", paramLabel = "NAME", description = "Model id (default: the first of the server's /v1/models)")
    String model;

    @Option(names = {"-c", "--concurrency"}, paramLabel = "C", description = "Concurrent clients (default ${DEFAULT-VALUE})")
    int concurrency = 4;

    @Option(names = {"-n", "--requests"}, paramLabel = "N", description = "Requests to send (default ${DEFAULT-VALUE})")
    int requests = 64;

    @Option(names = "--prompt-tokens", paramLabel = "P", description = "About this many prompt tokens per request (default ${DEFAULT-VALUE})")
    int promptTokens = 32;

    @Option(names = "--max-tokens", paramLabel = "G", description = "Tokens generated per request (default ${DEFAULT-VALUE})")
    int maxTokens = 64;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this long even if requests remain (for soak runs)")
    Long durationSeconds;

    @Option(names = "--cancel-rate", paramLabel = "R", description = "Share of streams abandoned part-way (default ${DEFAULT-VALUE})")
    double cancelRate;

    @Option(names = "--malformed-rate", paramLabel = "R", description = "Share of deliberately invalid requests (default ${DEFAULT-VALUE})")
    double malformedRate;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of prompts, cancellations and malformed requests (default ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--sweep", split = ",", paramLabel = "C1,C2,...", description = "Run once per concurrency level")
    List<Integer> sweep;

    @Option(names = "--chart", paramLabel = "FILE.html", description = "With --sweep: write an HTML chart of latency and throughput against concurrency")
    Path chart;

    @Option(names = "--json", description = "Print the report as JSON")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LoadTestConfig config = new LoadTestConfig(url, model, concurrency, requests, promptTokens, maxTokens, cancelRate,
                malformedRate, durationSeconds == null ? null : Duration.ofSeconds(durationSeconds), seed);
        if (chart != null && sweep == null) throw new IllegalArgumentException("--chart needs --sweep");
        List<LoadTestReport> reports = sweep == null
                ? List.of(new LoadGenerator(config, msg -> err.println("jllm loadtest: " + msg)).run())
                : LoadGenerator.sweep(config, sweep, msg -> err.println("jllm loadtest: " + msg));
        if (json) {
            out.println(reports.size() == 1 ? reports.getFirst().toJson().toString()
                    : new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(reports.stream().map(LoadTestReport::toJson).toList()).toString());
        } else {
            reports.forEach(r -> out.print(r.toText()));
            out.flush();
        }
        if (chart != null) {
            Files.writeString(chart, SweepChart.html("jllm loadtest " + url + " (prompt " + promptTokens + ", output " + maxTokens + " tokens)", reports),
                    StandardCharsets.UTF_8);
            err.println("jllm loadtest: wrote " + chart);
        }
        return reports.stream().anyMatch(r -> r.serverErrors() > 0) ? 2 : 0;
    }
}
