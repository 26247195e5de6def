package dev.jllm.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** LibmFloat against glibc's libm (x86-64, FMA variant), whose sinf, cosf and expf are not correctly rounded. */
class LibmFloatTest {

    /** Inputs where glibc 2.36 on x86-64 returns the neighbour of the correctly rounded float, with its result. */
    @Test
    void reproducesGlibcWhereItIsNotCorrectlyRounded() {
        assertResult(LibmFloat.sinf(-0x1.4365ep8f), -0x1.7aecbep-3f, Math.sin(-0x1.4365ep8f));
        assertResult(LibmFloat.sinf(-0x1.33ba88p1f), -0x1.584664p-1f, Math.sin(-0x1.33ba88p1f));
        assertResult(LibmFloat.sinf(0x1.7b2826p6f), 0x1.07dd48p-1f, Math.sin(0x1.7b2826p6f));
        assertResult(LibmFloat.cosf(-0x1.3a1018p2f), 0x1.8c84ep-3f, Math.cos(-0x1.3a1018p2f));
        assertResult(LibmFloat.cosf(0x1.eea2f4p8f), -0x1.4efd44p-3f, Math.cos(0x1.eea2f4p8f));
        assertResult(LibmFloat.expf(0x1.e1b42p5f), 0x1.d388a6p86f, Math.exp(0x1.e1b42p5f));
        assertResult(LibmFloat.expf(-0x1.81cab2p2f), 0x1.3becdcp-9f, Math.exp(-0x1.81cab2p2f));
    }

    private static void assertResult(float actual, float glibc, double exact) {
        assertThat((float) exact).as("the case is one where glibc is not correctly rounded").isNotEqualTo(glibc);
        assertThat(Float.floatToRawIntBits(actual)).as("%s, glibc %s", Float.toHexString(actual), Float.toHexString(glibc))
                .isEqualTo(Float.floatToRawIntBits(glibc));
    }

    @Test
    void specialValues() {
        assertThat(LibmFloat.sinf(0f)).isEqualTo(0f);
        assertThat(LibmFloat.cosf(0f)).isEqualTo(1f);
        assertThat(LibmFloat.sinf(1e-5f)).isEqualTo(1e-5f);
        assertThat(Float.isNaN(LibmFloat.sinf(Float.POSITIVE_INFINITY))).isTrue();
        assertThat(Float.isNaN(LibmFloat.cosf(Float.NaN))).isTrue();
        assertThat(LibmFloat.expf(0f)).isEqualTo(1f);
        assertThat(LibmFloat.expf(Float.NEGATIVE_INFINITY)).isEqualTo(0f);
        assertThat(LibmFloat.expf(89f)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(LibmFloat.expf(-110f)).isEqualTo(0f);
    }

    /** Where this JVM runs on x86-64 Linux with glibc, millions of inputs against the real functions. */
    @Test
    void agreesWithThePlatformLibmBitForBit() throws Throwable {
        assumeTrue(System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64"), "glibc on x86-64 only");
        Linker linker = Linker.nativeLinker();
        Optional<java.lang.foreign.MemorySegment> sinf = linker.defaultLookup().find("sinf");
        assumeTrue(sinf.isPresent() && linker.defaultLookup().find("gnu_get_libc_version").isPresent(), "glibc's libm");
        FunctionDescriptor f = FunctionDescriptor.of(ValueLayout.JAVA_FLOAT, ValueLayout.JAVA_FLOAT);
        MethodHandle sin = linker.downcallHandle(sinf.get(), f);
        MethodHandle cos = linker.downcallHandle(linker.defaultLookup().find("cosf").orElseThrow(), f);
        MethodHandle exp = linker.downcallHandle(linker.defaultLookup().find("expf").orElseThrow(), f);
        Random random = new Random(42);
        for (int i = 0; i < 2_000_000; i++) { // NaN compares as the canonical NaN: glibc returns -NaN for sinf(inf)
            float x = switch (i % 3) {
                case 0 -> Float.intBitsToFloat(random.nextInt());
                case 1 -> (random.nextFloat() * 2 - 1) * 600; // rope angles: both range reductions
                default -> (random.nextFloat() * 2 - 1) * 20;
            };
            assertThat(Float.floatToIntBits(LibmFloat.sinf(x))).as("sinf(%s)", Float.toHexString(x))
                    .isEqualTo(Float.floatToIntBits((float) sin.invokeExact(x)));
            assertThat(Float.floatToIntBits(LibmFloat.cosf(x))).as("cosf(%s)", Float.toHexString(x))
                    .isEqualTo(Float.floatToIntBits((float) cos.invokeExact(x)));
            assertThat(Float.floatToIntBits(LibmFloat.expf(x))).as("expf(%s)", Float.toHexString(x))
                    .isEqualTo(Float.floatToIntBits((float) exp.invokeExact(x)));
        }
    }
}
