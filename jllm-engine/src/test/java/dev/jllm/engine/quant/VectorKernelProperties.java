package dev.jllm.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The Vector API kernels of the integer-product types against the scalar kernels that spell out the ggml float order
 * they reproduce (the reference, and what {@code -Djllm.vector=false} runs): on random blocks (every quant bit pattern, random finite
 * fp16 scales) and random activations (magnitudes from 1e-3 to 1e3, some all-zero blocks), for odd and even row
 * counts and batch sizes, matVec and matMul must give exactly the reference's bits for every row and vector. (With
 * the vector kernels off, this checks that WeightMatrix runs the reference everywhere.)
 */
class VectorKernelProperties {

    /** A random matrix shape and batch: rows x (blocks * block size) weights, {@code vectors} activation vectors. */
    record Shape(long seed, int rows, int blocks, int vectors) {}

    @Provide
    Arbitrary<Shape> shapes() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(1, 9), Arbitraries.integers().between(1, 9),
                Arbitraries.integers().between(1, 11)).as(Shape::new);
    }

    @Property(tries = 60)
    void q4_1(@ForAll("shapes") Shape s) {
        check(GgmlType.Q4_1, Q4_1::dotScalar, s);
    }

    @Property(tries = 60)
    void q5_0(@ForAll("shapes") Shape s) {
        check(GgmlType.Q5_0, Q5_0::dotScalar, s);
    }

    @Property(tries = 60)
    void q5_1(@ForAll("shapes") Shape s) {
        check(GgmlType.Q5_1, Q5_1::dotScalar, s);
    }

    @Property(tries = 60)
    void q8_0(@ForAll("shapes") Shape s) {
        check(GgmlType.Q8_0, Q8_0::dotScalar, s);
    }

    @Property(tries = 40)
    void q2_K(@ForAll("shapes") Shape s) {
        check(GgmlType.Q2_K, Q2_K.DOT::dotScalar, s);
    }

    @Property(tries = 40)
    void q3_K(@ForAll("shapes") Shape s) {
        check(GgmlType.Q3_K, Q3_K.DOT::dotScalar, s);
    }

    @Property(tries = 40)
    void q4_K(@ForAll("shapes") Shape s) {
        check(GgmlType.Q4_K, Q4_K.DOT::dotScalar, s);
    }

    @Property(tries = 40)
    void q5_K(@ForAll("shapes") Shape s) {
        check(GgmlType.Q5_K, Q5_K.DOT::dotScalar, s);
    }

    @Property(tries = 40)
    void q6_K(@ForAll("shapes") Shape s) {
        check(GgmlType.Q6_K, Q6_K.DOT::dotScalar, s);
    }

    /** Checks every row and vector of matVec and matMul against {@code single}. */
    private static void check(GgmlType type, RowKernel.Dot single, Shape s) {
        Random random = new Random(s.seed());
        int cols = s.blocks() * type.blockSize;
        MemorySegment data = randomRows(type, s.rows(), cols, random);
        WeightMatrix m = WeightMatrix.of("random", type, s.rows(), cols, data);
        float[] x = randomActivations(s.vectors() * cols, random);
        Activations a = new Activations(m.dotType());
        a.resize(cols, s.vectors());
        for (int v = 0; v < s.vectors(); v++) a.set(v, x, v * cols);

        float[] products = new float[s.vectors() * s.rows()];
        m.matMul(x, s.vectors(), products);
        float[] one = new float[s.rows()];
        long rowBytes = type.bytesFor(cols);
        for (int v = 0; v < s.vectors(); v++) {
            m.matVec(x, v * cols, one, 0);
            for (int r = 0; r < s.rows(); r++) {
                float expected = single.dot(data, r * rowBytes, a, v * cols, cols);
                assertThat(Float.floatToIntBits(one[r])).as("%s matVec row %d vector %d: %s, reference %s", type, r, v, one[r], expected)
                        .isEqualTo(Float.floatToIntBits(expected));
                float got = products[v * s.rows() + r];
                assertThat(Float.floatToIntBits(got)).as("%s matMul(%d) row %d vector %d: %s, reference %s", type, s.vectors(), r, v, got,
                        expected).isEqualTo(Float.floatToIntBits(expected));
            }
        }
    }

    /**
     * Random bytes, with every fp16 field of every block set to a random finite half (zero and subnormals included);
     * float types get random finite values of the type.
     */
    static MemorySegment randomRows(GgmlType type, int rows, int cols, Random random) {
        if (type == GgmlType.F32 || type == GgmlType.F16 || type == GgmlType.BF16) {
            float[] values = randomActivations(rows * cols, random);
            MemorySegment data = MemorySegment.ofArray(new byte[(int) type.bytesFor((long) rows * cols)]);
            switch (type) {
                case F32 -> F32.quantize(values, 0, data, 0, values.length);
                case F16 -> {
                    for (int i = 0; i < values.length; i++) LittleEndian.putI16(data, 2L * i, randomFiniteHalf(random));
                }
                default -> BF16.quantize(values, 0, data, 0, values.length);
            }
            return data;
        }
        byte[] bytes = new byte[(int) type.bytesFor((long) rows * cols)];
        random.nextBytes(bytes);
        MemorySegment data = MemorySegment.ofArray(bytes);
        int[] halves = switch (type) {
            case Q4_0, Q5_0, Q8_0 -> new int[] {0};
            case Q4_1, Q5_1, Q4_K, Q5_K -> new int[] {0, 2};
            case Q2_K -> new int[] {80, 82};
            case Q3_K -> new int[] {108};
            case Q6_K -> new int[] {208};
            default -> throw new IllegalArgumentException(type.name());
        };
        for (long o = 0; o < bytes.length; o += type.typeSize) {
            for (int h : halves) LittleEndian.putI16(data, o + h, randomFiniteHalf(random));
        }
        return data;
    }

    static short randomFiniteHalf(Random random) {
        while (true) {
            int bits = random.nextInt(0x10000);
            if ((bits & 0x7C00) != 0x7C00) return (short) bits;
        }
    }

    /** Gaussian values scaled per 32-value block by 10^[-3, 3]; one block in eight is all zeros. */
    static float[] randomActivations(int n, Random random) {
        float[] x = new float[n];
        for (int b = 0; b < n; b += 32) {
            boolean zero = random.nextInt(8) == 0;
            double scale = Math.pow(10, random.nextDouble() * 6 - 3);
            for (int i = b; i < Math.min(n, b + 32); i++) x[i] = zero ? 0f : (float) (random.nextGaussian() * scale);
        }
        return x;
    }
}
