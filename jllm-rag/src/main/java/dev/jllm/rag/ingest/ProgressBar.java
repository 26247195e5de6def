package dev.jllm.rag.ingest;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress bar on stderr: {@code [#####.....] 2100/5183 docs  85.1 docs/s  ETA 0:36}. On a terminal it redraws
 * one line a few times a second; otherwise (a log file) it prints a line every tenth of the way. It counts
 * {@code unit}s: documents for an ingest, queries for an evaluation.
 */
public final class ProgressBar implements Progress {
    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final boolean terminal;
    private final String unit;
    private final LongSupplier nanos;
    private long total, started, lastDraw;
    private int lastTenth = -1;

    public ProgressBar(PrintWriter out, boolean terminal, String unit) {
        this(out, terminal, unit, System::nanoTime);
    }

    ProgressBar(PrintWriter out, boolean terminal, String unit, LongSupplier nanos) {
        this.out = out;
        this.terminal = terminal;
        this.unit = unit;
        this.nanos = nanos;
    }

    @Override
    public void start(long total) {
        this.total = total;
        this.started = nanos.getAsLong();
        this.lastDraw = Long.MIN_VALUE;
        this.lastTenth = -1;
    }

    @Override
    public void advance(long done) {
        long now = nanos.getAsLong();
        if (terminal) {
            if (lastDraw != Long.MIN_VALUE && now - lastDraw < 200_000_000L && done < total) return;
            lastDraw = now;
            out.print("\r" + line(done, now));
            out.flush();
        } else {
            int tenth = total == 0 ? 10 : (int) (done * 10 / total);
            if (tenth == lastTenth) return;
            lastTenth = tenth;
            out.println(line(done, now));
        }
    }

    @Override
    public void finish() {
        if (terminal) out.println();
        out.flush();
    }

    /** The bar for {@code done} of the total, {@code now} nanoseconds on the clock. */
    String line(long done, long now) {
        double seconds = (now - started) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        int filled = total == 0 ? WIDTH : (int) (WIDTH * Math.min(done, total) / total);
        String eta = rate > 0 && done < total ? clock((total - done) / rate) : done >= total ? "done" : "--:--";
        return String.format(Locale.ROOT, "[%s%s] %d/%d %s %7.1f %s/s  ETA %s ", "#".repeat(filled),
                ".".repeat(WIDTH - filled), done, total, unit, rate, unit, eta);
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
