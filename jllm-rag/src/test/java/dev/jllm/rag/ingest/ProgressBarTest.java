package dev.jllm.rag.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    @Test
    void theBarShowsRateAndTimeLeft() {
        AtomicLong clock = new AtomicLong();
        ProgressBar bar = new ProgressBar(new PrintWriter(new StringWriter()), true, "docs", clock::get);
        bar.start(5183);
        // 2100 documents in 25 s: 84 docs/s, 3083 left take 36.7 s
        assertThat(bar.line(2100, 25_000_000_000L)).isEqualTo("[############..................] 2100/5183 docs    84.0 docs/s  ETA 0:37 ");
        assertThat(bar.line(5183, 60_000_000_000L)).isEqualTo("[##############################] 5183/5183 docs    86.4 docs/s  ETA done ");
        assertThat(ProgressBar.clock(3725)).isEqualTo("1:02:05");
    }

    @Test
    void onATerminalItRedrawsOneLineAndInALogItWritesEveryTenth() {
        AtomicLong clock = new AtomicLong();
        StringWriter terminal = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(terminal), true, "queries", clock::get);
        bar.start(100);
        for (int i = 1; i <= 100; i++) {
            clock.addAndGet(10_000_000L); // 10 ms a query: a redraw every 20 queries
            bar.advance(i);
        }
        bar.finish();
        assertThat(terminal.toString().split("\r", -1)).hasSize(1 + 6);
        assertThat(terminal.toString()).endsWith("100/100 queries   100.0 queries/s  ETA done \n");

        StringWriter log = new StringWriter();
        ProgressBar logged = new ProgressBar(new PrintWriter(log), false, "docs", clock::get);
        logged.start(1000);
        for (int i = 1; i <= 1000; i++) logged.advance(i);
        assertThat(log.toString().lines()).hasSize(11); // the first document, then every tenth up to the whole
    }
}
