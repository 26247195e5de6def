package dev.jllm.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A benchmark's results as one self-contained HTML page (inline SVG, no scripts, well-formed XML): prefill tokens/s
 * by prompt length, one line per thread count; decode tokens/s by thread count, one line per prompt length, beside
 * the memory roofline (the decode speed at which the weights would stream at the measured bandwidth); and the table.
 */
public final class BenchChart {
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"};
    private static final int WIDTH = 640;
    private static final int HEIGHT = 360;
    private static final int LEFT = 70;
    private static final int RIGHT = 190;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;

    private BenchChart() {}

    /** A line of the chart: one value per x category (NaN where it has none). */
    record Series(String name, double[] values, boolean dashed) {}

    public static void write(Path file, List<BenchResult> results) {
        try {
            Files.writeString(file, html(results), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the chart " + file + ": " + e.getMessage(), e);
        }
    }

    static String html(List<BenchResult> results) {
        BenchResult first = results.getFirst();
        String title = "jllm bench: " + first.model() + " (" + first.type() + ")";
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                .append("<title>").append(escape(title)).append("</title>\n<style>\n")
                .append("body { font-family: sans-serif; margin: 2em; color: #222; }\n")
                .append("table { border-collapse: collapse; margin-top: 1em; }\n")
                .append("th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }\n")
                .append("svg { display: block; margin: 1em 0; }\n")
                .append("</style>\n</head>\n<body>\n<h1>").append(escape(title)).append("</h1>\n");
        List<Integer> prompts = distinct(results, BenchResult::nPrompt);
        List<Integer> threads = distinct(results, BenchResult::threads);
        h.append(chart("Prefill (tokens/s) by prompt length", "prompt tokens", prompts,
                seriesBy(results, prompts, BenchResult::nPrompt, r -> BenchTable.threads(r.threads()) + ", tg" + r.nGen(), BenchResult::prefillTps)));
        List<Series> decode = seriesBy(results, threads, BenchResult::threads,
                r -> "tg" + r.nGen() + sequences(r) + (r.nDepth() > 0 ? " @ d" + r.nDepth() : ""), BenchResult::decodeTps);
        decode.addAll(seriesBy(results, threads, BenchResult::threads, r -> "memory roofline" + sequences(r), BenchResult::rooflineTps).stream()
                .map(s -> new Series(s.name(), s.values(), true)).toList());
        h.append(chart("Decode (tokens/s) by threads", "threads", threads, decode));
        h.append(table(results));
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    /** " x 16 sequences" for a point of several sequences, else nothing. */
    private static String sequences(BenchResult r) {
        return r.nParallel() > 1 ? " x " + r.nParallel() + " sequences" : "";
    }

    private static List<Integer> distinct(List<BenchResult> results, Function<BenchResult, Integer> key) {
        return List.copyOf(new TreeSet<>(results.stream().map(key).toList()));
    }

    /** One series per name, with each result's value at its x category (the first result of a name and x wins). */
    private static List<Series> seriesBy(List<BenchResult> results, List<Integer> xs, Function<BenchResult, Integer> x,
            Function<BenchResult, String> name, Function<BenchResult, Double> value) {
        Map<String, double[]> byName = new LinkedHashMap<>();
        for (BenchResult r : results) {
            double[] values = byName.computeIfAbsent(name.apply(r), k -> {
                double[] v = new double[xs.size()];
                Arrays.fill(v, Double.NaN);
                return v;
            });
            int i = xs.indexOf(x.apply(r));
            if (Double.isNaN(values[i])) values[i] = value.apply(r);
        }
        List<Series> series = new ArrayList<>();
        byName.forEach((n, v) -> series.add(new Series(n, v, false)));
        return series;
    }

    private static String chart(String title, String xLabel, List<Integer> xs, List<Series> series) {
        double max = series.stream().flatMapToDouble(s -> Arrays.stream(s.values())).filter(v -> !Double.isNaN(v))
                .max().orElse(1);
        double top = niceCeiling(max * 1.05);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">%n",
                WIDTH, HEIGHT, WIDTH, HEIGHT));
        s.append(text(WIDTH / 2.0, 22, "middle", "font-size=\"15\" font-weight=\"bold\"", title));
        for (int g = 0; g <= 5; g++) {
            double y = TOP + plotH - plotH * g / 5.0;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n", LEFT, y, LEFT + plotW, y));
            s.append(text(LEFT - 6, y + 4, "end", "font-size=\"11\"", format(top * g / 5)));
        }
        for (int i = 0; i < xs.size(); i++) s.append(text(x(i, xs.size(), plotW), TOP + plotH + 16, "middle", "font-size=\"11\"", xs.get(i).toString()));
        s.append(text(LEFT + plotW / 2.0, HEIGHT - 12, "middle", "font-size=\"12\"", xLabel));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>%n", LEFT, TOP, LEFT, TOP + plotH));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>%n", LEFT, TOP + plotH, LEFT + plotW, TOP + plotH));
        for (int k = 0; k < series.size(); k++) {
            Series line = series.get(k);
            String color = COLORS[k % COLORS.length];
            StringBuilder points = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            for (int i = 0; i < xs.size(); i++) {
                double v = line.values()[i];
                if (Double.isNaN(v)) continue;
                double px = x(i, xs.size(), plotW);
                double py = TOP + plotH - plotH * v / top;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                dots.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>%s: %s</title></circle>%n",
                        px, py, color, escape(line.name() + " at " + xs.get(i)), format(v)));
            }
            s.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>%n",
                    points.toString().strip(), color, line.dashed() ? " stroke-dasharray=\"6 4\"" : ""));
            s.append(dots);
            double ly = TOP + 10 + 18 * k;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"%s/>%n",
                    WIDTH - RIGHT + 12, ly, WIDTH - RIGHT + 32, ly, color, line.dashed() ? " stroke-dasharray=\"6 4\"" : ""));
            s.append(text(WIDTH - RIGHT + 38, ly + 4, "start", "font-size=\"11\"", line.name()));
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static String table(List<BenchResult> results) {
        StringBuilder t = new StringBuilder("<table>\n<tr><th>threads</th><th>n_parallel</th><th>n_prompt</th><th>n_gen</th><th>n_depth</th><th>prefill t/s</th>"
                + "<th>decode t/s</th><th>bandwidth GB/s</th><th>MB/token</th><th>roofline share</th></tr>\n");
        for (BenchResult r : results) {
            t.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td><td>%.2f</td><td>%.2f</td><td>%.1f</td><td>%.1f</td><td>%.3f</td></tr>%n",
                    r.threads(), r.nParallel(), r.nPrompt(), r.nGen(), r.nDepth(), r.prefillTps(), r.decodeTps(), r.bandwidthGbps(), r.bytesPerToken() / 1e6,
                    r.rooflineShare()));
        }
        t.append("</table>\n");
        for (String line : BenchTable.batchingGains(results)) t.append("<p>").append(escape(line)).append("</p>\n");
        BenchResult first = results.getFirst();
        t.append("<p>").append(escape(BenchTable.simdLine(first.simd()))).append("; ").append(first.repetitions())
                .append(" repetitions per point, medians shown; KV cache ").append(escape(first.kvType())).append(".</p>\n");
        return t.toString();
    }

    /** x of category i of n, evenly spread over the plot. */
    private static double x(int i, int n, int plotW) {
        return LEFT + plotW * (i + 0.5) / n;
    }

    /** The smallest 1, 2 or 5 times a power of ten at or above v. */
    static double niceCeiling(double v) {
        if (!(v > 0)) return 1;
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 5, 10}) if (m * p >= v) return m * p;
        return 10 * p;
    }

    private static String format(double v) {
        if (v == 0) return "0";
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }

    private static String text(double x, double y, String anchor, String style, String content) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" %s>%s</text>%n", x, y, anchor, style, escape(content));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
