package dev.jllm.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Runs `jllm bench` for one thread count in a new JVM, started as this one was (same java, JVM options and class
 * path): the engine's thread pool takes its size once per process, so a sweep over thread counts needs a process
 * for each count this one does not have. The child's results come back as its --json lines; its progress lines are
 * passed on to {@code progress} (its warnings are the ones this process printed already, so they are dropped).
 */
public final class ChildBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ChildBench() {}

    /** Runs `jllm bench ARGS --json` (the arguments must hold -t and everything else the point needs). */
    public static List<BenchResult> run(List<String> benchArgs, PrintWriter progress) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-agentlib:jdwp")) command.add(arg); // a debugger's port is taken by this JVM
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.jllm.cli.Main");
        command.add("bench");
        command.addAll(benchArgs);
        command.add("--json");
        Process process;
        try {
            process = new ProcessBuilder(command).start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start a JVM for the benchmark: " + e.getMessage(), e);
        }
        List<String> errors = new ArrayList<>();
        CompletableFuture<Void> stderr = CompletableFuture.runAsync(() -> forEachLine(process.errorReader(StandardCharsets.UTF_8), line -> {
            if (line.startsWith("bench: ")) {
                progress.println(line);
                progress.flush();
            } else if (!line.startsWith("WARNING:")) {
                synchronized (errors) {
                    errors.add(line);
                }
            }
        }));
        List<BenchResult> results = new ArrayList<>();
        forEachLine(process.inputReader(StandardCharsets.UTF_8), line -> results.add(parse(line)));
        int exit;
        try {
            exit = process.waitFor();
            stderr.join();
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the benchmark JVM", e);
        }
        if (exit != 0) {
            throw new IllegalStateException("the benchmark JVM (" + String.join(" ", benchArgs) + ") failed with exit code "
                    + exit + (errors.isEmpty() ? "" : ": " + String.join(" / ", errors)));
        }
        return results;
    }

    private static BenchResult parse(String line) {
        try {
            return BenchResult.fromJson(JSON.readTree(line));
        } catch (IOException e) {
            throw new IllegalStateException("the benchmark JVM printed a line that is not JSON: " + line, e);
        }
    }

    private static void forEachLine(BufferedReader reader, Consumer<String> action) {
        try (reader) {
            for (String line; (line = reader.readLine()) != null; ) action.accept(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
