package dev.jllm.cli.bench;

import dev.jllm.engine.runtime.VectorSupport;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The human form of a benchmark's results: a Markdown table (as llama-bench prints) and a line about SIMD. */
public final class BenchTable {
    private static final String[] HEADER = {"model", "type", "threads", "n_parallel", "n_prompt", "n_gen", "n_depth", "prefill t/s", "decode t/s",
            "bandwidth GB/s", "MB/token", "roofline"};

    private BenchTable() {}

    public static void print(List<BenchResult> results, PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (BenchResult r : results) {
            rows.add(new String[] {r.model(), r.type(), Integer.toString(r.threads()), Integer.toString(r.nParallel()), Integer.toString(r.nPrompt()),
                    Integer.toString(r.nGen()), Integer.toString(r.nDepth()), f("%.2f", r.prefillTps()), f("%.2f", r.decodeTps()), f("%.1f", r.bandwidthGbps()),
                    f("%.1f", r.bytesPerToken() / 1e6), f("%.0f%%", 100 * r.rooflineShare())});
        }
        int[] widths = new int[HEADER.length];
        for (String[] row : rows) for (int c = 0; c < row.length; c++) widths[c] = Math.max(widths[c], row[c].length());
        for (int i = 0; i < rows.size(); i++) {
            out.println(line(rows.get(i), widths));
            if (i == 0) {
                String[] rule = new String[widths.length];
                for (int c = 0; c < widths.length; c++) rule[c] = "-".repeat(widths[c] - 1) + (c < 2 ? "-" : ":");
                out.println(line(rule, widths));
            }
        }
        for (String line : batchingGains(results)) out.println(line);
        out.println(simdLine(results.getFirst().simd()));
        out.flush();
    }

    /**
     * For each point run with several sequences and also with one (same threads, lengths and depth): how many times
     * one sequence's decode speed all of them together reached.
     */
    public static List<String> batchingGains(List<BenchResult> results) {
        List<String> lines = new ArrayList<>();
        for (BenchResult r : results) {
            if (r.nParallel() == 1) continue;
            for (BenchResult one : results) {
                if (one.nParallel() == 1 && one.threads() == r.threads() && one.nPrompt() == r.nPrompt() && one.nGen() == r.nGen()
                        && one.nDepth() == r.nDepth()) {
                    lines.add(String.format(Locale.ROOT, "decode, %d sequences at once (%s, tg%d%s): %.2f tok/s in all, %.2fx one sequence's %.2f tok/s",
                            r.nParallel(), threads(r.threads()), r.nGen(), r.nDepth() > 0 ? " @ d" + r.nDepth() : "", r.decodeTps(),
                            r.decodeTps() / one.decodeTps(), one.decodeTps()));
                    break;
                }
            }
        }
        return lines;
    }

    /** What the kernels run as, in one line. */
    public static String simdLine(VectorSupport simd) {
        if (simd.fast()) return "SIMD: " + simd.speciesBits() + "-bit vectors, compiled by C2";
        return "SIMD: NOT USED, kernels crawl: " + String.join("; ", simd.problems());
    }

    /** "1 thread", "2 threads". */
    public static String threads(int n) {
        return n + (n == 1 ? " thread" : " threads");
    }

    /** Text columns left-aligned, numbers right-aligned. */
    private static String line(String[] cells, int[] widths) {
        StringBuilder s = new StringBuilder("|");
        for (int c = 0; c < cells.length; c++) {
            String format = c < 2 ? " %-" + widths[c] + "s |" : " %" + widths[c] + "s |";
            s.append(String.format(Locale.ROOT, format, cells[c]));
        }
        return s.toString();
    }

    private static String f(String format, double v) {
        return String.format(Locale.ROOT, format, v);
    }
}
