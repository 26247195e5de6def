package dev.jllm.bench;

import dev.jllm.engine.gguf.GgmlType;
import dev.jllm.engine.quant.WeightMatrix;
import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * WeightMatrix.matMul: n activation vectors times every row. n = 1 is a decode step's product (matVec, bound by
 * memory); 16 and 64 are batches (decode batches of a server, prompt chunks), compute-bound as n grows.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MatMulBenchmark {
    @Param({"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    public String type;

    /** ROWSxCOLS: a Llama-3.2-1B attention projection and its feed-forward up projection. */
    @Param({"2048x2048", "8192x2048"})
    public String shape;

    /** Vectors per product (tokens in a batch). */
    @Param({"1", "16", "64"})
    public int n;

    private Arena arena;
    private WeightMatrix weights;
    private float[] x;
    private float[] out;

    @Setup(Level.Trial)
    public void setUp() {
        int[] rc = BenchMatrices.shape(shape);
        arena = Arena.ofShared();
        weights = BenchMatrices.matrix(arena, GgmlType.valueOf(type), rc[0], rc[1]);
        x = BenchMatrices.activations(n * rc[1]);
        out = new float[n * rc[0]];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float[] matMul(Traffic traffic) {
        weights.matMul(x, n, out);
        traffic.add(BenchMatrices.bytes(weights), (long) n * weights.rows() * weights.cols());
        return out;
    }
}
