package dev.jllm.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.engine.runtime.VectorSupport.Flags;
import org.junit.jupiter.api.Test;

/** The decision from flag values: what HotSpot reports for the command lines named in each case. */
class VectorSupportTest {
    /** A default C2 JVM on an AVX-512 machine with --add-modules jdk.incubator.vector. */
    private static final Flags DEFAULT = new Flags(true, 512, true, true, 4, "default", 64, null, null);

    private static Flags with(Boolean useCompiler, Boolean tiered, Integer stopAt, String mode) {
        return new Flags(true, 512, useCompiler, tiered, stopAt, mode, 64, null, null);
    }

    private static Flags species(int bits, Integer maxVectorSize) {
        return new Flags(true, bits, true, true, 4, "default", maxVectorSize, null, null);
    }

    @Test
    void aDefaultJvmWith256Or512BitVectorsIsFast() {
        VectorSupport v = VectorSupport.decide(DEFAULT);
        assertThat(v.fast()).isTrue();
        assertThat(v.problems()).isEmpty();
        assertThat(v.warning()).isNull();
        assertThat(v.speciesBits()).isEqualTo(512);
        assertThat(v.vectorKernels()).isTrue();
        assertThat(v.compiledToSimd()).isTrue();
        // AVX2 (UseAVX=2: MaxVectorSize 32)
        assertThat(VectorSupport.decide(species(256, 32)).fast()).isTrue();
        // C2 alone (-XX:-TieredCompilation) ignores TieredStopAtLevel
        assertThat(VectorSupport.decide(with(true, false, 1, "default")).fast()).isTrue();
        // flags that cannot be read (a JVM that is not HotSpot) are not a problem in themselves
        assertThat(VectorSupport.decide(new Flags(true, 256, null, null, null, null, null, null, null)).fast()).isTrue();
    }

    @Test
    void theInterpreterIsReported() {
        // -Xint: UseCompiler=false, TieredCompilation=false
        VectorSupport v = VectorSupport.decide(with(false, false, 4, "default"));
        assertThat(v.fast()).isFalse();
        assertThat(v.compiledToSimd()).isFalse();
        assertThat(v.vectorKernels()).as("the kernels still take their vector path, interpreted").isTrue();
        assertThat(v.problems()).singleElement().asString().contains("-Xint");
        assertThat(v.warning()).startsWith("WARNING: jllm's matrix kernels will crawl").contains("-Xint");
    }

    @Test
    void c1OnlyIsReported() {
        // -XX:TieredStopAtLevel=1 (and 2, 3)
        for (int level = 1; level <= 3; level++) {
            VectorSupport v = VectorSupport.decide(with(true, true, level, "default"));
            assertThat(v.compiledToSimd()).isFalse();
            assertThat(v.problems()).singleElement().asString().contains("-XX:TieredStopAtLevel=" + level, "C2");
        }
        VectorSupport quick = VectorSupport.decide(with(true, true, 4, "quick-only"));
        assertThat(quick.compiledToSimd()).isFalse();
        assertThat(quick.problems()).singleElement().asString().contains("-XX:CompilationMode=quick-only");
        assertThat(VectorSupport.decide(with(true, true, 4, "high-only")).fast()).isTrue();
    }

    @Test
    void vectorIntrinsicsTurnedOffAreReported() {
        // -XX:+UnlockExperimentalVMOptions -XX:-EnableVectorSupport
        VectorSupport v = VectorSupport.decide(new Flags(true, 512, true, true, 4, "default", 64, false, null));
        assertThat(v.compiledToSimd()).isFalse();
        assertThat(v.problems()).singleElement().asString().contains("-XX:-EnableVectorSupport");
        assertThat(VectorSupport.decide(new Flags(true, 512, true, true, 4, "default", 64, true, null)).fast()).isTrue();
    }

    @Test
    void aSpeciesOtherThan256Or512BitsMeansScalarKernels() {
        // -XX:MaxVectorSize=16 on AVX-512: the preferred species shrinks to 128 bits
        VectorSupport limited = VectorSupport.decide(species(128, 16));
        assertThat(limited.vectorKernels()).isFalse();
        assertThat(limited.compiledToSimd()).isTrue();
        assertThat(limited.problems()).singleElement().asString().contains("128 bits", "-XX:MaxVectorSize=16 limits it");
        // NEON or SSE only: 128 bits from the CPU itself
        assertThat(VectorSupport.decide(species(128, 64)).problems()).singleElement().asString()
                .contains("128 bits", "the CPU").doesNotContain("MaxVectorSize");
        // SVE-1024: wider than the kernels' 8- or 16-lane code
        assertThat(VectorSupport.decide(species(1024, 128)).vectorKernels()).isFalse();
    }

    @Test
    void theJllmVectorPropertyIsReported() {
        VectorSupport v = VectorSupport.decide(new Flags(true, 512, true, true, 4, "default", 64, null, "FALSE"));
        assertThat(v.vectorKernels()).isFalse();
        assertThat(v.problems()).singleElement().asString().contains("-Djllm.vector=false");
        assertThat(VectorSupport.decide(new Flags(true, 512, true, true, 4, "default", 64, null, "true")).fast()).isTrue();
    }

    @Test
    void everyProblemIsListed() {
        VectorSupport v = VectorSupport.decide(new Flags(true, 128, true, true, 1, "default", 16, false, "false"));
        assertThat(v.problems()).hasSize(4);
        assertThat(v.warning().lines()).hasSize(5).allMatch(line -> line.startsWith("WARNING:"));
    }

    @Test
    void aMissingVectorModuleIsTheOnlyProblemReported() {
        VectorSupport v = VectorSupport.decide(new Flags(false, 0, true, true, 4, "default", 64, null, null));
        assertThat(v.problems()).singleElement().asString().contains("--add-modules jdk.incubator.vector");
        assertThat(v.vectorKernels()).isFalse();
    }

    @Test
    void theTestJvmIsReadAsTheFlagsSay() {
        // surefire runs C2 with the Vector API module; this JVM's own reading must agree with a fresh decision
        VectorSupport current = VectorSupport.current();
        assertThat(current.speciesBits()).isEqualTo(jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize());
        assertThat(current.compiledToSimd()).isTrue();
    }
}
