package dev.jllm.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.engine.runtime.VectorSupport;
import org.junit.jupiter.api.Test;

/** VectorSupport restates Simd's rule for the kernels' vector path; in this JVM both must say the same. */
class VectorKernelsDecisionTest {
    @Test
    void vectorSupportAgreesWithTheKernels() {
        assertThat(VectorSupport.current().vectorKernels()).isEqualTo(Simd.ENABLED);
        assertThat(VectorSupport.current().speciesBits()).isEqualTo(Simd.F.vectorBitSize());
    }
}
