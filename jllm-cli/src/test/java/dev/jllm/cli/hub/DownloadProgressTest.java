package dev.jllm.cli.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class DownloadProgressTest {

    private static List<String> lines(StringWriter w) {
        return w.toString().lines().toList();
    }

    @Test
    void logsALineAtEveryTenthWhenStderrIsNotATerminal() {
        StringWriter w = new StringWriter();
        DownloadProgress p = new DownloadProgress(new PrintWriter(w, true), false, "o/r/m.gguf", 10_000_000, 0);
        for (long b = 0; b <= 10_000_000; b += 250_000) p.update(b);
        p.finish(10_000_000);
        List<String> lines = lines(w);
        assertThat(lines.getFirst()).isEqualTo("jllm: downloading o/r/m.gguf (10.0 MB)");
        assertThat(lines.subList(1, lines.size())).hasSize(10).allMatch(l -> l.startsWith("jllm: ") && l.contains(" MB/s"));
        assertThat(lines.get(1)).startsWith("jllm:  10% 1.0 MB / 10.0 MB, ").contains("ETA ");
        assertThat(lines.getLast()).startsWith("jllm: 100% 10.0 MB / 10.0 MB, ").doesNotContain("ETA");
    }

    @Test
    void aResumedDownloadSaysWhereItResumes() {
        StringWriter w = new StringWriter();
        DownloadProgress p = new DownloadProgress(new PrintWriter(w, true), false, "o/r/m.gguf", 1_000_000, 650_000);
        p.update(700_000);
        p.finish(1_000_000);
        assertThat(lines(w)).hasSize(3).first().isEqualTo("jllm: downloading o/r/m.gguf (1.0 MB), resuming at 0.7 MB");
        assertThat(lines(w).get(1)).startsWith("jllm:  70% 0.7 MB / 1.0 MB");
    }

    @Test
    void anUnknownSizeCountsBytes() {
        StringWriter w = new StringWriter();
        DownloadProgress p = new DownloadProgress(new PrintWriter(w, true), false, "o/r/m.gguf", -1, 0);
        p.update(150_000_000);
        p.finish(150_000_001);
        assertThat(lines(w)).hasSize(3);
        assertThat(lines(w).get(1)).startsWith("jllm: 150.0 MB, ");
    }

    @Test
    void onATerminalOneLineIsRedrawnWithABar() {
        StringWriter w = new StringWriter();
        DownloadProgress p = new DownloadProgress(new PrintWriter(w, true), true, "o/r/m.gguf", 4_000_000, 0);
        p.update(1_000_000);
        p.finish(4_000_000);
        String out = w.toString();
        assertThat(out).startsWith("\ro/r/m.gguf [######------------------]  25% 1.0 MB / 4.0 MB").endsWith("\u001B[K\n");
        assertThat(out).contains("\ro/r/m.gguf [########################] 100% 4.0 MB / 4.0 MB").doesNotContain("jllm:");
        assertThat(out.chars().filter(c -> c == '\n').count()).isEqualTo(1);
    }

    @Test
    void durations() {
        assertThat(DownloadProgress.duration(59)).isEqualTo("0:59");
        assertThat(DownloadProgress.duration(3599)).isEqualTo("59:59");
        assertThat(DownloadProgress.duration(3600 * 25 + 61)).isEqualTo("25:01:01");
    }
}
