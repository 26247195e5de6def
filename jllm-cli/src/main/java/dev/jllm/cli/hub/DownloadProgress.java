package dev.jllm.cli.hub;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Download progress on stderr: on a terminal, one line redrawn in place (bar, bytes, percent, speed, ETA), at most
 * ten times a second; otherwise (logs, CI) a plain line at every tenth of the download, or every 100 MB when the
 * size is unknown.
 */
final class DownloadProgress {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final long UNKNOWN_SIZE_STEP = 100_000_000L;
    private static final int BAR_WIDTH = 24;

    private final PrintWriter out;
    private final boolean terminal;
    private final String label;
    private final long total;
    private final long startBytes;
    private final long startNanos = System.nanoTime();
    private long lastDrawNanos;
    private long nextStep;
    private long lastPrinted;

    /** {@code total} is -1 when unknown; {@code startBytes} were already there (a resumed download). */
    DownloadProgress(PrintWriter out, boolean terminal, String label, long total, long startBytes) {
        this.out = out;
        this.terminal = terminal;
        this.label = label;
        this.total = total;
        this.startBytes = startBytes;
        this.nextStep = nextStepAfter(startBytes);
        this.lastPrinted = startBytes;
        if (!terminal) out.println("jllm: downloading " + label + (total >= 0 ? " (" + megabytes(total) + ")" : "")
                + (startBytes > 0 ? ", resuming at " + megabytes(startBytes) : ""));
    }

    /** Whether stderr is most likely an interactive terminal (the JDK can only tell for the console as a whole). */
    static boolean stderrIsTerminal() {
        var console = System.console();
        return console != null && console.isTerminal() && System.getenv("TERM") != null && !"dumb".equals(System.getenv("TERM"));
    }

    void update(long bytes) {
        if (terminal) {
            long now = System.nanoTime();
            if (now - lastDrawNanos < REDRAW_NANOS) return;
            lastDrawNanos = now;
            out.print("\r" + line(bytes, now) + "\u001B[K");
            out.flush();
        } else if (bytes >= nextStep) {
            out.println("jllm: " + line(bytes, System.nanoTime()));
            nextStep = nextStepAfter(bytes);
            lastPrinted = bytes;
        }
    }

    void finish(long bytes) {
        if (terminal) {
            out.print("\r" + line(bytes, System.nanoTime()) + "\u001B[K\n");
            out.flush();
        } else if (bytes != lastPrinted) {
            out.println("jllm: " + line(bytes, System.nanoTime()));
        }
    }

    private long stepSize() {
        return total > 0 ? Math.max(1, total / 10) : UNKNOWN_SIZE_STEP;
    }

    private long nextStepAfter(long bytes) {
        long step = stepSize();
        return (bytes / step + 1) * step;
    }

    String line(long bytes, long nowNanos) {
        double seconds = Math.max(1e-9, (nowNanos - startNanos) / 1e9);
        double rate = (bytes - startBytes) / seconds;
        StringBuilder sb = new StringBuilder();
        if (terminal) sb.append(label).append(' ');
        if (total > 0) {
            int percent = (int) Math.min(100, bytes * 100 / total);
            if (terminal) {
                int filled = (int) (BAR_WIDTH * Math.min(bytes, total) / total);
                sb.append('[').append("#".repeat(filled)).append("-".repeat(BAR_WIDTH - filled)).append("] ");
            }
            sb.append(String.format(Locale.ROOT, "%3d%% %s / %s", percent, megabytes(bytes), megabytes(total)));
        } else {
            sb.append(megabytes(bytes));
        }
        sb.append(String.format(Locale.ROOT, ", %.1f MB/s", rate / 1e6));
        if (total > 0 && rate > 0 && bytes < total) sb.append(", ETA ").append(duration((long) ((total - bytes) / rate)));
        return sb.toString();
    }

    static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    static String duration(long seconds) {
        return seconds >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
