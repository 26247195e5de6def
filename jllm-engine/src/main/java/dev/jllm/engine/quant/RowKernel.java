package dev.jllm.engine.quant;

import dev.jllm.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * How a {@link WeightMatrix} of one type dequantizes rows and multiplies. Two families, chosen per type by
 * measurement; both give every product the same bits whether a vector is multiplied alone or inside a batch:
 * <ul>
 * <li>float products ({@link #floats}): F32, F16, BF16 and Q4_0, whose values dequantize exactly, run in
 * {@link DequantizedProduct} on activations rounded as their {@code dotType} (ggml's vec_dot_type: F32 as is, F16,
 * BF16, or Q8_0 read back as floats, see {@link RoundedActivations}); a batch is a register-tiled matrix product.
 * Faster than the integer products for these types, but not in ggml's summation order.</li>
 * <li>integer products: the other types (Q8_0 too: as fast either way, and this way bit-identical to ggml, whose
 * Q8_0 activations amplify one-ulp differences) convert activations to their {@code dotType} (ggml's vec_dot_type: Q8_0,
 * Q8_1 or Q8_K), and every row is dotted with them block by block as {@code ggml_vec_dot_*} does; {@code rowBatch}
 * reads a row once for several vectors with exactly {@code dot}'s bits.</li>
 * </ul>
 */
record RowKernel(GgmlType dotType, Dequantizer dequantizer, Dequantizer productDequantizer, Dot dot, RowBatch rowBatch,
        DequantizedProduct.FusedRows fused) {

    @FunctionalInterface
    interface Dequantizer extends DequantizedProduct.RowDequantizer {}

    /** Σ w·x over {@code count} values: the row at {@code offset}, and activations from element {@code xElement}. */
    @FunctionalInterface
    interface Dot {
        float dot(MemorySegment w, long offset, Activations x, int xElement, int count);
    }

    /**
     * One stored row against the activation vectors {@code first .. end - 1} at once, reading and converting the row
     * once: {@code out[o + v * outStride]} = the product with vector v, with exactly {@code dot}'s bits. May also
     * write the outputs of vectors before {@code first} (with the same bits as their own call).
     */
    @FunctionalInterface
    interface RowBatch {
        void multiply(MemorySegment w, long offset, int count, Activations x, int first, int end, float[] out, int o, int outStride);
    }

    /** Whether products run in {@link DequantizedProduct}. */
    boolean isFloat() {
        return dot == null;
    }

    /**
     * @param productDequantizer the rows as {@link DequantizedProduct} reads them: {@code dequantizer}'s values, where
     *     a zero's sign may differ (no product can tell)
     */
    private static RowKernel floats(GgmlType dotType, Dequantizer dequantizer, Dequantizer productDequantizer, DequantizedProduct.FusedRows fused) {
        return new RowKernel(dotType, dequantizer, productDequantizer, null, null, fused);
    }

    private static RowKernel integers(GgmlType dotType, Dequantizer dequantizer, Dot dot, RowBatch rowBatch) {
        return new RowKernel(dotType, dequantizer, dequantizer, dot, Simd.ENABLED ? rowBatch : null, null);
    }

    /** A 32-value block type whose batches run over a row decoded once ({@link BlockLanesVector#multiply}). */
    private static RowKernel blocks32(GgmlType dotType, Dequantizer dequantizer, Dot dot, DecodedRow.Decoder rowDecoder) {
        return integers(dotType, dequantizer, dot, (w, offset, count, x, first, end, out, o, outStride)
                -> BlockLanesVector.multiply(rowDecoder, w, offset, count, x, first, end, out, o, outStride));
    }

    /** The kernels of {@code type}, or null when weights of that type are not supported. */
    static RowKernel of(GgmlType type) {
        return switch (type) {
            case F32 -> floats(GgmlType.F32, F32::dequantize, F32::dequantize, Simd.ENABLED ? F32::rows : null);
            case F16 -> floats(GgmlType.F16, F16::dequantize, F16::dequantize, Simd.ENABLED ? HalfRows::f16 : null);
            case BF16 -> floats(GgmlType.BF16, BF16::dequantize, BF16::dequantize, Simd.ENABLED ? HalfRows::bf16 : null);
            case Q8_0 -> blocks32(GgmlType.Q8_0, Q8_0::dequantize, Q8_0::dot, Q8_0::decode);
            case Q4_0 -> floats(GgmlType.Q8_0, Q4_0::dequantize, Q4_0::dequantizeForProducts, Simd.ENABLED ? BlockFloats::rowsQ4_0 : null);
            case Q5_0 -> blocks32(GgmlType.Q8_0, Q5_0::dequantize, Q5_0::dot, Q5_0::decode);
            case Q4_1 -> blocks32(GgmlType.Q8_1, Q4_1::dequantize, Q4_1::dot, Q4_1::decode);
            case Q5_1 -> blocks32(GgmlType.Q8_1, Q5_1::dequantize, Q5_1::dot, Q5_1::decode);
            case Q2_K -> integers(GgmlType.Q8_K, Q2_K::dequantize, Q2_K.DOT::dot, Q2_K.DOT::multiply);
            case Q3_K -> integers(GgmlType.Q8_K, Q3_K::dequantize, Q3_K.DOT::dot, Q3_K.DOT::multiply);
            case Q4_K -> integers(GgmlType.Q8_K, Q4_K::dequantize, Q4_K.DOT::dot, Q4_K.DOT::multiply);
            case Q5_K -> integers(GgmlType.Q8_K, Q5_K::dequantize, Q5_K.DOT::dot, Q5_K.DOT::multiply);
            case Q6_K -> integers(GgmlType.Q8_K, Q6_K::dequantize, Q6_K.DOT::dot, Q6_K.DOT::multiply);
            default -> null;
        };
    }
}
