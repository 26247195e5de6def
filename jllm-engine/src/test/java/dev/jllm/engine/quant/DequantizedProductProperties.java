package dev.jllm.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The float-product types (F32, F16, BF16, Q4_0) against a scalar reference that spells out {@link
 * DequantizedProduct}'s order: activations as the vec_dot_type sees them, weights dequantized from the bytes by their
 * definition, lane k % LANES accumulating
 * fma(w[k], x[k]) for k ascending, then the lanes summed pairwise. matVec (fused or chunked) and matMul (register
 * tiles) must give exactly the reference's bits for every row of every vector, whatever the batch size and row
 * count, on random blocks (every quant pattern, random finite scales) and activations from 1e-3 to 1e3.
 */
class DequantizedProductProperties {

    record Shape(long seed, int rows, int cols, int vectors) {}

    @Provide
    Arbitrary<Shape> blockShapes() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(1, 11), Arbitraries.integers().between(1, 20).map(b -> 32 * b),
                Arbitraries.integers().between(1, 11)).as(Shape::new);
    }

    /** Any row length, including ones that end in a partial lane group. */
    @Provide
    Arbitrary<Shape> anyShapes() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(1, 11), Arbitraries.integers().between(1, 700),
                Arbitraries.integers().between(1, 11)).as(Shape::new);
    }

    @Property(tries = 60)
    void q4_0(@ForAll("blockShapes") Shape s) {
        check(GgmlType.Q4_0, s);
    }

    /**
     * Q4_0 products read weights whose zeros are always +0 (ggml's are -0 for a negative scale): the same values,
     * which the q4_0 property above shows no product can tell apart; here, that nothing else differs.
     */
    @Property(tries = 30)
    void q4_0ProductWeightsDifferFromGgmlOnlyInTheSignOfZero(@ForAll("blockShapes") Shape s) {
        Random random = new Random(s.seed());
        MemorySegment data = VectorKernelProperties.randomRows(GgmlType.Q4_0, s.rows(), s.cols(), random);
        int count = s.rows() * s.cols();
        float[] ggml = new float[count], products = new float[count];
        Q4_0.dequantize(data, 0, ggml, 0, count);
        Q4_0.dequantizeForProducts(data, 0, products, 0, count);
        for (int i = 0; i < count; i++) {
            assertThat(products[i]).as("value %d", i).isEqualTo(ggml[i]);
            if (ggml[i] == 0) assertThat(Float.floatToRawIntBits(products[i])).as("value %d is +0", i).isZero();
        }
    }

    @Property(tries = 60)
    void f32(@ForAll("anyShapes") Shape s) {
        check(GgmlType.F32, s);
    }

    @Property(tries = 60)
    void f16(@ForAll("anyShapes") Shape s) {
        check(GgmlType.F16, s);
    }

    @Property(tries = 60)
    void bf16(@ForAll("anyShapes") Shape s) {
        check(GgmlType.BF16, s);
    }

    /**
     * Rows longer than a panel (walked panel by panel, a short last one included) and more rows than a group of
     * tiles (a short last tile included), in batches larger than a block for those rows.
     */
    @Example
    void longRowsRunInPanels() {
        check(GgmlType.Q4_0, new Shape(7, 70, 2 * DequantizedProduct.PANEL + 96, 5));
        check(GgmlType.F16, new Shape(8, 67, 2 * DequantizedProduct.PANEL + 21, 3));
        check(GgmlType.F32, new Shape(9, 9, 33 * DequantizedProduct.PANEL, 70));
    }

    private static void check(GgmlType type, Shape s) {
        Random random = new Random(s.seed());
        int cols = s.cols();
        MemorySegment data = VectorKernelProperties.randomRows(type, s.rows(), cols, random);
        WeightMatrix m = WeightMatrix.of("random", type, s.rows(), cols, data);
        float[] x = VectorKernelProperties.randomActivations(s.vectors() * cols, random);
        float[] seen = ActivationReference.asDotSees(m.dotType(), x);
        float[] products = new float[s.vectors() * s.rows()];
        m.matMul(x, s.vectors(), products);
        float[] one = new float[s.rows()];
        for (int v = 0; v < s.vectors(); v++) {
            m.matVec(x, v * cols, one, 0);
            for (int r = 0; r < s.rows(); r++) {
                float expected = reference(type, data, r, cols, seen, v * cols);
                assertThat(Float.floatToIntBits(one[r])).as("%s matVec row %d vector %d: %s, reference %s", type, r, v, one[r], expected)
                        .isEqualTo(Float.floatToIntBits(expected));
                float got = products[v * s.rows() + r];
                assertThat(Float.floatToIntBits(got)).as("%s matMul(%d) row %d vector %d: %s, reference %s", type, s.vectors(), r, v, got, expected)
                        .isEqualTo(Float.floatToIntBits(expected));
            }
        }
    }

    private static float reference(GgmlType type, MemorySegment data, int row, int cols, float[] x, int xo) {
        long rowBytes = type.bytesFor(cols);
        float[] lanes = new float[DequantizedProduct.LANES];
        for (int k = 0; k < cols; k++) {
            float w = weight(type, data, row * rowBytes, k);
            lanes[k % lanes.length] = Math.fma(w, x[xo + k], lanes[k % lanes.length]);
        }
        for (int width = lanes.length / 2; width >= 1; width /= 2) {
            for (int i = 0; i < width; i++) lanes[i] += lanes[i + width];
        }
        return lanes[0];
    }

    /** Value k of the row at {@code o}, by the type's definition. */
    private static float weight(GgmlType type, MemorySegment data, long o, int k) {
        return switch (type) {
            case F32 -> LittleEndian.f32(data, o + 4L * k);
            case F16 -> LittleEndian.f16(data, o + 2L * k);
            case BF16 -> Float.intBitsToFloat(data.get(LittleEndian.SHORT, o + 2L * k) << 16);
            case Q8_0 -> {
                long b = o + 34L * (k / 32);
                yield LittleEndian.i8(data, b + 2 + k % 32) * LittleEndian.f16(data, b);
            }
            case Q4_0 -> {
                long b = o + 18L * (k / 32);
                int j = k % 32, packed = LittleEndian.u8(data, b + 2 + j % 16);
                yield ((j < 16 ? packed & 0xF : packed >>> 4) - 8) * LittleEndian.f16(data, b);
            }
            default -> throw new IllegalArgumentException(type.name());
        };
    }
}
