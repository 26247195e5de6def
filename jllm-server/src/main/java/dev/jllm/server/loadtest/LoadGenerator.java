package dev.jllm.server.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Sends streaming completion requests from {@code concurrency} virtual threads (closed loop: each sends its next
 * request when the last one ends) and measures what a client sees: time to the first token, time between tokens,
 * tokens per second and every HTTP status. Optionally abandons some streams part-way and mixes in malformed
 * requests, which a robust server answers with 4xx without losing KV blocks.
 */
public final class LoadGenerator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] WORDS = ("the cat sat on a mat and a dog ran to the park with a red ball while "
            + "little girl named Lily saw big tree near house one day sun was bright happy friends played").split(" ");

    private final LoadTestConfig config;
    private final HttpClient http;
    private final Consumer<String> progress;

    /** One request's outcome. */
    private record Outcome(int status, String error, boolean malformed, boolean cancelled, double ttftMs,
                           List<Double> itlMs, long promptTokens, long outputTokens) {}

    public LoadGenerator(LoadTestConfig config, Consumer<String> progress) {
        this.config = config;
        this.progress = progress;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    /** Runs the test once at the configured concurrency. */
    public LoadTestReport run() throws IOException, InterruptedException {
        String model = config.model() != null ? config.model() : modelId();
        List<Outcome> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        long end = config.duration() == null ? Long.MAX_VALUE : start + config.duration().toNanos();
        List<Double> heap = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean running = new AtomicBoolean(true);
        Thread sampler = Thread.ofVirtual().start(() -> sampleHeap(heap, running));
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < config.concurrency(); w++) {
                SplittableRandom random = new SplittableRandom(config.seed() * 1_000_003 + w);
                workers.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < config.requests() && System.nanoTime() < end) {
                        outcomes.add(random.nextDouble() < config.malformedRate() ? malformed(random) : completion(model, random));
                        if ((i + 1) % 100 == 0) progress.accept((i + 1) + " requests sent");
                    }
                    return null;
                });
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        running.set(false);
        sampler.join();
        double blocks = serverMetricAfterIdle("jllm_kv_blocks_used");
        heap.add(heapMb());
        return report(outcomes, seconds, blocks, heap);
    }

    private LoadTestReport report(List<Outcome> outcomes, double seconds, double blocks, List<Double> heap) {
        Map<Integer, Integer> statuses = new HashMap<>();
        Map<String, Integer> errors = new HashMap<>();
        List<Double> ttft = new ArrayList<>();
        List<Double> itl = new ArrayList<>();
        int completed = 0, cancelled = 0, malformed = 0;
        long prompt = 0, output = 0;
        for (Outcome o : outcomes) {
            statuses.merge(o.status(), 1, Integer::sum);
            if (o.error() != null) errors.merge(o.error(), 1, Integer::sum);
            if (o.malformed()) {
                malformed++;
                continue;
            }
            if (o.cancelled()) cancelled++;
            else if (o.status() == 200 && o.error() == null) completed++;
            if (!Double.isNaN(o.ttftMs())) ttft.add(o.ttftMs());
            itl.addAll(o.itlMs());
            prompt += o.promptTokens();
            output += o.outputTokens();
        }
        Percentiles t = Percentiles.of(ttft.stream().mapToDouble(Double::doubleValue).toArray());
        Percentiles i = Percentiles.of(itl.stream().mapToDouble(Double::doubleValue).toArray());
        List<Double> h = heap.stream().filter(v -> !Double.isNaN(v)).toList();
        return new LoadTestReport(config.concurrency(), completed, cancelled, malformed, seconds, prompt, output,
                t.at(50), t.at(90), t.at(99), i.at(50), i.at(99), statuses, errors, blocks,
                h.isEmpty() ? Double.NaN : h.getFirst(), h.isEmpty() ? Double.NaN : h.getLast(),
                h.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
    }

    private String prompt(SplittableRandom random) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < config.promptTokens(); i++) {
            if (i > 0) b.append(' ');
            b.append(WORDS[random.nextInt(WORDS.length)]);
        }
        return b.toString();
    }

    private Outcome completion(String model, SplittableRandom random) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("model", model).put("prompt", prompt(random))
                .put("max_tokens", config.maxTokens()).put("ignore_eos", true).put("temperature", 0.8)
                .put("seed", random.nextInt(1 << 30)).put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        int cancelAfter = random.nextDouble() < config.cancelRate() ? random.nextInt(Math.max(1, config.maxTokens())) : -1;
        long sent = System.nanoTime();
        HttpResponse<Stream<String>> response;
        try {
            response = http.send(post("/v1/completions", body.toString()), HttpResponse.BodyHandlers.ofLines());
        } catch (IOException | InterruptedException e) {
            return new Outcome(0, "connection: " + e.getClass().getSimpleName(), false, false, Double.NaN, List.of(), 0, 0);
        }
        double ttft = Double.NaN;
        List<Double> itl = new ArrayList<>();
        long last = 0;
        long promptTokens = 0, outputTokens = 0, chunks = 0;
        String error = null;
        boolean cancelled = false;
        try (Stream<String> lines = response.body()) {
            if (response.statusCode() != 200) {
                return new Outcome(response.statusCode(), errorCode(String.join("\n", lines.toList())), false, false, Double.NaN, List.of(), 0, 0);
            }
            Iterator<String> it = lines.iterator();
            while (it.hasNext()) {
                String line = it.next();
                if (!line.startsWith("data: ")) continue;
                String data = line.substring(6);
                if (data.equals("[DONE]")) break;
                JsonNode chunk = JSON.readTree(data);
                if (chunk.has("error")) {
                    error = "stream: " + chunk.at("/error/code").asText();
                    continue;
                }
                JsonNode usage = chunk.get("usage");
                if (usage != null && !usage.isNull()) {
                    promptTokens = usage.path("prompt_tokens").asLong();
                    outputTokens = usage.path("completion_tokens").asLong();
                }
                if (chunk.path("choices").isEmpty() || chunk.at("/choices/0/text").asText().isEmpty()) continue;
                long now = System.nanoTime();
                if (chunks == 0) ttft = (now - sent) / 1e6;
                else itl.add((now - last) / 1e6);
                last = now;
                if (++chunks == cancelAfter) {
                    cancelled = true;
                    outputTokens = chunks;
                    break; // closing the stream closes the connection: the server must cancel and free the blocks
                }
            }
        } catch (IOException | RuntimeException e) {
            error = "read: " + e.getClass().getSimpleName();
        }
        return new Outcome(200, error, false, cancelled, ttft, itl, promptTokens, outputTokens);
    }

    /** A request the server must refuse with a 4xx: broken JSON, wrong types, unknown model or route, too big. */
    private Outcome malformed(SplittableRandom random) {
        String path = "/v1/completions";
        String body;
        switch (random.nextInt(7)) {
            case 0 -> body = "{\"prompt\": \"unfinished";
            case 1 -> body = "{\"prompt\":\"x\",\"max_tokens\":\"many\"}";
            case 2 -> body = "{\"model\":\"no-such-model\",\"prompt\":\"x\"}";
            case 3 -> body = "{\"prompt\":\"x\",\"max_tokens\":1000000000}";
            case 4 -> {
                path = "/v1/chat/completions";
                body = "{\"messages\":\"not a list\"}";
            }
            case 5 -> {
                path = "/v1/nothing";
                body = "{}";
            }
            default -> body = "{\"prompt\":\"" + "a".repeat(3 << 20) + "\"}";
        }
        try {
            HttpResponse<String> r = http.send(post(path, body), HttpResponse.BodyHandlers.ofString());
            return new Outcome(r.statusCode(), r.statusCode() >= 400 ? errorCode(r.body()) : "malformed request accepted",
                    true, false, Double.NaN, List.of(), 0, 0);
        } catch (IOException | InterruptedException e) {
            // a server may close the connection on an oversized body before reading it all
            return new Outcome(0, "connection: " + e.getClass().getSimpleName(), true, false, Double.NaN, List.of(), 0, 0);
        }
    }

    private static String errorCode(String body) {
        try {
            JsonNode e = JSON.readTree(body).path("error");
            return e.path("code").asText(e.path("type").asText("unknown"));
        } catch (IOException | RuntimeException x) {
            return "unparsable error body";
        }
    }

    private HttpRequest post(String path, String body) {
        return HttpRequest.newBuilder(config.url().resolve(path)).header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private String modelId() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(config.url().resolve("/v1/models")).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException("GET /v1/models answered " + r.statusCode() + ": " + r.body());
        return JSON.readTree(r.body()).at("/data/0/id").asText();
    }

    /** A metric from the server's /metrics once nothing runs any more (NaN if the server has no such metric). */
    private double serverMetricAfterIdle(String name) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            double running = metric("jllm_requests_running");
            if (Double.isNaN(running) || running == 0) break;
            Thread.sleep(100);
        }
        return metric(name);
    }

    private void sampleHeap(List<Double> heap, AtomicBoolean running) {
        while (running.get()) {
            heap.add(heapMb());
            try {
                Thread.sleep(5000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The server's live heap after its last major collection: it grows with a leak, not with garbage. */
    private double heapMb() {
        return metricSum("jvm_gc_live_data_size_bytes", "") / (1 << 20);
    }

    private double metric(String name) {
        return metricSum(name, "");
    }

    /** The sum of the samples of {@code name} whose labels contain {@code label}; NaN when there are none. */
    private double metricSum(String name, String label) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(config.url().resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            double sum = 0;
            boolean found = false;
            for (String line : r.body().split("\n")) {
                if (!(line.startsWith(name + " ") || line.startsWith(name + "{")) || !line.contains(label)) continue;
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
            return found ? sum : Double.NaN;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    /** A sweep: one run per concurrency level, in order. */
    public static List<LoadTestReport> sweep(LoadTestConfig base, List<Integer> levels, Consumer<String> progress)
            throws IOException, InterruptedException {
        List<LoadTestReport> reports = new ArrayList<>();
        for (int c : levels) {
            progress.accept("concurrency " + c + " ...");
            reports.add(new LoadGenerator(base.withConcurrency(c), progress).run());
        }
        return reports;
    }
}
