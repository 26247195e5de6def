package dev.jllm.server.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.engine.model.Model;
import dev.jllm.engine.runtime.KvType;
import dev.jllm.engine.testing.SharedFiles;
import dev.jllm.server.ServingOptions;
import dev.jllm.server.http.OpenAiServer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;

/**
 * The load generator against a real server on stories260K, with abandoned streams and malformed requests mixed
 * in: every malformed request gets a 4xx, nothing gets a 5xx, and no KV block stays in use afterwards.
 */
class LoadGeneratorTest {

    @Test
    void aRobustServerAnswersNo5xxAndKeepsNoBlocks() throws Exception {
        try (Model model = Model.load(SharedFiles.file("models/stories260K/stories260K.gguf"))) {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmGcMetrics().bindTo(registry);
            OpenAiServer server = new OpenAiServer(new OpenAiServer.Config("127.0.0.1", 0, 1 << 20, Duration.ofMinutes(1)), registry).start();
            try {
                server.ready(new ServingOptions("stories260K", 4, 256, 64, 16, 0, 64, null).serve(model, KvType.F32, registry));
                LoadTestConfig config = new LoadTestConfig(URI.create("http://127.0.0.1:" + server.port()), null, 6, 80, 16, 24,
                        0.3, 0.3, null, 3);
                List<LoadTestReport> reports = LoadGenerator.sweep(config, List.of(2, 6), msg -> {});
                for (LoadTestReport r : reports) {
                    assertThat(r.serverErrors()).as(r.toText()).isZero();
                    assertThat(r.malformed()).isPositive();
                    assertThat(r.cancelled()).isPositive();
                    assertThat(r.completed() + r.cancelled() + r.malformed()).isEqualTo(80);
                    assertThat(r.statuses().keySet()).as(r.toText()).allMatch(s -> s == 200 || s >= 400 && s < 500);
                    assertThat(r.kvBlocksUsedAfter()).isZero();
                    assertThat(r.liveHeapMbMax()).as("the server publishes its live heap").isGreaterThanOrEqualTo(0);
                    assertThat(r.ttftP50()).isPositive().isLessThanOrEqualTo(r.ttftP99());
                    assertThat(r.outputTokens()).isPositive();
                    assertThat(r.errors()).doesNotContainKey("malformed request accepted");
                }
                String html = SweepChart.html("test", reports);
                int start = html.indexOf("<svg"), end = html.indexOf("</svg>") + 6;
                DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new java.io.ByteArrayInputStream(
                        html.substring(start, end).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                assertThat(html).contains("<td>2</td>", "<td>6</td>");
            } finally {
                server.stop(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void percentilesAreNearestRank() {
        Percentiles p = Percentiles.of(new double[] {5, 1, 4, 2, 3, 6, 7, 8, 9, 10});
        assertThat(p.at(50)).isEqualTo(5);
        assertThat(p.at(90)).isEqualTo(9);
        assertThat(p.at(99)).isEqualTo(10);
        assertThat(p.at(0)).isEqualTo(1);
        assertThat(Percentiles.of(new double[0]).at(50)).isNaN();
    }
}
