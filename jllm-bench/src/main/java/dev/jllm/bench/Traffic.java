package dev.jllm.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What a kernel benchmark moved, as JMH secondary results: with the benchmarks' throughput mode in seconds, the
 * {@code gigabytes} row reads as GB/s of weights streamed and {@code gflops} as GFLOP/s (2 per weight and vector).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Traffic {
    public double gigabytes;
    public double gflops;

    void add(long weightBytes, long multiplyAdds) {
        gigabytes += weightBytes / 1e9;
        gflops += 2 * multiplyAdds / 1e9;
    }
}
