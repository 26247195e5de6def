package dev.jllm.cli.bench;

import dev.jllm.engine.runtime.VectorSupport;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The human form of a benchmark's results: a Markdown table (as llama-bench prints) and a line about SIMD. */
public final class BenchTable {
    private static final String[] HEADER = {"model", "type", "threads", "n_prompt", "n_gen", "n_depth", "prefill t/s", "decode t/s",
            "bandwidth GB/s", "MB/token", "roofline"};

    private BenchTable() {}

    public static void print(List<BenchResult> results, PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (BenchResult r : results) {
            rows.add(new String[] {r.model(), r.type(), Integer.toString(r.threads()), Integer.toString(r.nPrompt()),
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
        out.println(simdLine(results.getFirst().simd()));
        out.flush();
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
