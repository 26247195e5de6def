package dev.jllm.server.loadtest;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * An HTML page with inline SVG charts of a concurrency sweep: latency (TTFT and inter-token latency percentiles)
 * and throughput (output tokens/s) against concurrency. No scripts, no external files.
 */
public final class SweepChart {
    private static final int W = 640, H = 320, LEFT = 70, RIGHT = 20, TOP = 30, BOTTOM = 50;
    private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"};

    private SweepChart() {}

    public static String html(String title, List<LoadTestReport> reports) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").append(escape(title))
                .append("</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                        + "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}</style></head><body>");
        b.append("<h1>").append(escape(title)).append("</h1>");
        b.append(chart("Latency against concurrency (ms)", reports, List.of(
                new Series("TTFT p50", LoadTestReport::ttftP50), new Series("TTFT p99", LoadTestReport::ttftP99),
                new Series("ITL p50", LoadTestReport::itlP50), new Series("ITL p99", LoadTestReport::itlP99))));
        b.append(chart("Output tokens per second against concurrency", reports, List.of(
                new Series("output tokens/s", LoadTestReport::outputTokensPerSecond))));
        b.append("<table><tr><th>concurrency</th><th>requests/s</th><th>output tok/s</th><th>TTFT p50</th><th>TTFT p90</th>"
                + "<th>TTFT p99</th><th>ITL p50</th><th>ITL p99</th><th>statuses</th></tr>");
        for (LoadTestReport r : reports) {
            b.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%.2f</td><td>%.1f</td><td>%.1f</td><td>%.1f</td><td>%.1f</td>"
                            + "<td>%.1f</td><td>%.1f</td><td>%s</td></tr>", r.concurrency(), r.requestsPerSecond(),
                    r.outputTokensPerSecond(), r.ttftP50(), r.ttftP90(), r.ttftP99(), r.itlP50(), r.itlP99(), escape(r.statuses().toString())));
        }
        return b.append("</table></body></html>\n").toString();
    }

    private record Series(String name, ToDoubleFunction<LoadTestReport> value) {}

    private static String chart(String title, List<LoadTestReport> reports, List<Series> series) {
        double maxX = reports.stream().mapToInt(LoadTestReport::concurrency).max().orElse(1);
        double maxY = 0;
        for (Series s : series) for (LoadTestReport r : reports) {
            double v = s.value().applyAsDouble(r);
            if (Double.isFinite(v)) maxY = Math.max(maxY, v);
        }
        maxY = maxY <= 0 ? 1 : niceCeiling(maxY);
        StringBuilder b = new StringBuilder();
        b.append("<h2>").append(escape(title)).append("</h2>");
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-size=\"12\">", W, H));
        int plotW = W - LEFT - RIGHT, plotH = H - TOP - BOTTOM;
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>", LEFT, TOP, plotW, plotH));
        for (int i = 0; i <= 4; i++) {
            double v = maxY * i / 4;
            double y = TOP + plotH - plotH * i / 4.0;
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>", LEFT, LEFT + plotW, y, y));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", LEFT - 6, y + 4, label(v)));
        }
        for (LoadTestReport r : reports) {
            double x = LEFT + plotW * r.concurrency() / maxX;
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>", x, TOP + plotH + 16, r.concurrency()));
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">concurrent clients</text>", LEFT + plotW / 2, H - 8));
        for (int s = 0; s < series.size(); s++) {
            String color = COLORS[s % COLORS.length];
            StringBuilder points = new StringBuilder();
            for (LoadTestReport r : reports) {
                double v = series.get(s).value().applyAsDouble(r);
                if (!Double.isFinite(v)) continue;
                double x = LEFT + plotW * r.concurrency() / maxX;
                double y = TOP + plotH - plotH * v / maxY;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>", x, y, color));
            }
            b.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>", color, points.toString().trim()));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>", LEFT + 10 + 130 * s, TOP - 10, color, escape(series.get(s).name())));
        }
        return b.append("</svg>").toString();
    }

    private static double niceCeiling(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) if (m * p >= v) return m * p;
        return 10 * p;
    }

    private static String label(double v) {
        return v >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
