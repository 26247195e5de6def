package dev.jllm.server.loadtest;

import java.util.Arrays;

/** Nearest-rank percentiles of a sample (NaN for an empty one). */
record Percentiles(double[] sorted) {
    static Percentiles of(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return new Percentiles(s);
    }

    double at(double percentile) {
        if (sorted.length == 0) return Double.NaN;
        int rank = (int) Math.ceil(percentile / 100 * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    int count() {
        return sorted.length;
    }
}
