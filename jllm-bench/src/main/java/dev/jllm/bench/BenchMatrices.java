package dev.jllm.bench;

import dev.jllm.engine.gguf.GgmlType;
import dev.jllm.engine.model.SyntheticWeights;
import dev.jllm.engine.quant.ReferenceQuantizers;
import dev.jllm.engine.quant.WeightMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Weight matrices for the kernel benchmarks, in any type, quantized by ggml's reference quantizers. */
final class BenchMatrices {
    /**
     * Rows quantized from distinct random values; the rest repeat them. The K-quant reference quantizers search scales
     * and would take seconds for a whole 8192 x 2048 matrix, and the kernels' speed does not depend on which valid
     * blocks they read, only on how many (the matrix is still far larger than the caches).
     */
    private static final int DISTINCT_ROWS = 64;

    private BenchMatrices() {}

    /** Parses a "ROWSxCOLS" shape parameter such as "8192x2048" (8192 rows of 2048 values). */
    static int[] shape(String rowsByCols) {
        String[] parts = rowsByCols.split("x");
        if (parts.length != 2) throw new IllegalArgumentException("shape must be ROWSxCOLS, got " + rowsByCols);
        return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
    }

    /** A {@code rows x cols} matrix of {@code type} in {@code arena}. */
    static WeightMatrix matrix(Arena arena, GgmlType type, int rows, int cols) {
        long rowBytes = type.bytesFor(cols);
        MemorySegment data = arena.allocate(rows * rowBytes, 64);
        int distinct = Math.min(rows, DISTINCT_ROWS);
        for (int r = 0; r < distinct; r++) {
            float[] values = SyntheticWeights.uniform(1, "bench." + type, (long) r * cols, cols, 1 / Math.sqrt(cols));
            if (!ReferenceQuantizers.quantize(type, values, 0, data, r * rowBytes, cols)) {
                throw new IllegalArgumentException("no reference quantizer for " + type);
            }
        }
        for (int r = distinct; r < rows; r++) {
            MemorySegment.copy(data, (r % distinct) * rowBytes, data, r * rowBytes, rowBytes);
        }
        return WeightMatrix.of("bench " + type + " " + rows + "x" + cols, type, rows, cols, data);
    }

    /** {@code n} random activation values (what a norm's output looks like: mean 0, std 1). */
    static float[] activations(int n) {
        return SyntheticWeights.uniform(2, "bench.activations", 0, n, 1);
    }

    /** The bytes a product reads from the weights. */
    static long bytes(WeightMatrix m) {
        return m.type().bytesFor((long) m.rows() * m.cols());
    }
}
