package dev.jllm.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MemoryBandwidthTest {

    @Test
    void everyPassReadsTheWholeBufferOnce() {
        // odd sizes and thread counts leave scalar tails in every slice
        for (int threads : new int[] {1, 2, 3}) {
            for (long bytes : new long[] {8 * 3, 8 * 1001, 1 << 20, (1 << 20) + 8 * 77}) {
                MemoryBandwidth.Result r = MemoryBandwidth.measure(bytes, threads, 2);
                long n = bytes / 8;
                assertThat(r.checksum()).as("%d bytes, %d threads", bytes, threads).isEqualTo(n * (n - 1) / 2);
                assertThat(r.bufferBytes()).isEqualTo(n * 8);
                assertThat(r.threads()).isEqualTo(threads);
                assertThat(r.bytesPerSecond()).isPositive().isFinite();
                assertThat(r.gigabytesPerSecond()).isEqualTo(r.bytesPerSecond() / 1e9);
            }
        }
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> MemoryBandwidth.measure(1 << 20, 0, 1)).hasMessage("threads must be at least 1, got 0");
        assertThatThrownBy(() -> MemoryBandwidth.measure(1 << 20, 1, 0)).hasMessage("passes must be at least 1, got 0");
        assertThatThrownBy(() -> MemoryBandwidth.measure(8, 2, 1))
                .hasMessage("the buffer of 8 bytes must hold at least one long per thread (2 threads)");
    }
}
