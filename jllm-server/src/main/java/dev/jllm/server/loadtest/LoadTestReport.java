package dev.jllm.server.loadtest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a load-test run measured: throughput, latency percentiles (time to first token, inter-token latency, in
 * milliseconds), and the outcome of every request by HTTP status. Server-side figures (KV blocks in use and heap
 * after the run, live heap after the last major collection, sampled every 5 seconds) come from the server's
 * {@code /metrics} when it has them.
 */
public record LoadTestReport(int concurrency, int completed, int cancelled, int malformed, double seconds,
                             long promptTokens, long outputTokens, double ttftP50, double ttftP90, double ttftP99,
                             double itlP50, double itlP99, Map<Integer, Integer> statuses, Map<String, Integer> errors,
                             double kvBlocksUsedAfter, double liveHeapMbFirst, double liveHeapMbLast, double liveHeapMbMax) {
    public LoadTestReport {
        statuses = new TreeMap<>(statuses);
        errors = new TreeMap<>(errors);
    }

    public double requestsPerSecond() {
        return completed / seconds;
    }

    public double outputTokensPerSecond() {
        return outputTokens / seconds;
    }

    /** Responses with a 5xx status: a healthy server under any load answers none. */
    public int serverErrors() {
        return statuses.entrySet().stream().filter(e -> e.getKey() >= 500).mapToInt(Map.Entry::getValue).sum();
    }

    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("concurrency", concurrency).put("completed", completed).put("cancelled", cancelled).put("malformed", malformed)
                .put("seconds", seconds).put("requests_per_second", requestsPerSecond())
                .put("prompt_tokens", promptTokens).put("output_tokens", outputTokens)
                .put("output_tokens_per_second", outputTokensPerSecond())
                .put("ttft_ms_p50", ttftP50).put("ttft_ms_p90", ttftP90).put("ttft_ms_p99", ttftP99)
                .put("itl_ms_p50", itlP50).put("itl_ms_p99", itlP99).put("server_errors", serverErrors());
        ObjectNode s = o.putObject("statuses");
        statuses.forEach((k, v) -> s.put(Integer.toString(k), v));
        ObjectNode e = o.putObject("errors");
        errors.forEach(e::put);
        o.put("kv_blocks_used_after", kvBlocksUsedAfter).put("live_heap_mb_first", liveHeapMbFirst)
                .put("live_heap_mb_last", liveHeapMbLast).put("live_heap_mb_max", liveHeapMbMax);
        return o;
    }

    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "concurrency %d: %d completed, %d cancelled, %d malformed in %.1f s%n",
                concurrency, completed, cancelled, malformed, seconds));
        b.append(String.format(Locale.ROOT, "  throughput  %.2f requests/s, %.1f output tokens/s (%d prompt, %d output tokens)%n",
                requestsPerSecond(), outputTokensPerSecond(), promptTokens, outputTokens));
        b.append(String.format(Locale.ROOT, "  TTFT ms     p50 %.1f  p90 %.1f  p99 %.1f%n", ttftP50, ttftP90, ttftP99));
        b.append(String.format(Locale.ROOT, "  ITL ms      p50 %.1f  p99 %.1f%n", itlP50, itlP99));
        b.append("  statuses    ").append(statuses).append(serverErrors() > 0 ? "  <-- server errors" : "").append('\n');
        if (!errors.isEmpty()) b.append("  errors      ").append(errors).append('\n');
        if (!Double.isNaN(kvBlocksUsedAfter)) {
            b.append(String.format(Locale.ROOT, "  server      KV blocks in use after the run: %.0f; live heap after GC (MB) first %.1f, last %.1f, max %.1f%n",
                    kvBlocksUsedAfter, liveHeapMbFirst, liveHeapMbLast, liveHeapMbMax));
        }
        return b.toString();
    }
}
