package dev.jllm.engine.quant;

import dev.jllm.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * What a {@link WeightMatrix} needs of its type: row dequantization, and dot products of a stored row with
 * activations converted to the type's {@code dotType} (ggml's vec_dot_type). {@code dot} follows ggml's vec_dot (what
 * llama.cpp runs for a single token); {@code batchDot} follows llamafile's tinyBLAS, which llama.cpp runs instead for
 * a batch of 2 or more tokens when the row length is a multiple of {@code batchMultiple} and the row count a multiple
 * of 4.
 */
record RowKernel(GgmlType dotType, Dequantizer dequantizer, Dot dot, Dot batchDot, int batchMultiple, RowBatch rowBatch) {

    RowKernel(GgmlType dotType, Dequantizer dequantizer, Dot dot, Dot batchDot, int batchMultiple) {
        this(dotType, dequantizer, dot, batchDot, batchMultiple, null);
    }

    RowKernel(GgmlType dotType, Dequantizer dequantizer, Dot dot) {
        this(dotType, dequantizer, dot, dot, 1, null);
    }

    /**
     * A 32-value block type whose batches the vector kernels run over a row decoded once ({@link
     * BlockLanesVector#multiply}); {@code dot} gives the same bits, so batch and single products agree.
     */
    RowKernel(GgmlType dotType, Dequantizer dequantizer, Dot dot, DecodedRow.Decoder rowDecoder) {
        this(dotType, dequantizer, dot, dot, 1, Simd.ENABLED ? (w, offset, count, x, first, end, tiled, out, o, outStride)
                -> BlockLanesVector.multiply(rowDecoder, w, offset, count, x, first, end, out, o, outStride) : null);
    }

    @FunctionalInterface
    interface Dequantizer {
        void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count);
    }

    /** Σ w·x over {@code count} values: the row at {@code offset}, and activations from element {@code xElement}. */
    @FunctionalInterface
    interface Dot {
        float dot(MemorySegment w, long offset, Activations x, int xElement, int count);
    }

    /**
     * One stored row against the activation vectors {@code first .. end - 1} at once, reading and converting the row
     * once: {@code out[o + v * outStride]} = the product with vector v, by {@code batchDot} when {@code tiled}, else
     * by {@code dot}, with exactly their bits. May also write the outputs of vectors before {@code first} (with the
     * same bits as their own call).
     */
    @FunctionalInterface
    interface RowBatch {
        void multiply(MemorySegment w, long offset, int count, Activations x, int first, int end, boolean tiled, float[] out, int o,
                int outStride);
    }

    /** The kernels of {@code type}, or null when weights of that type are not supported. */
    static RowKernel of(GgmlType type) {
        return switch (type) {
            case F32 -> new RowKernel(GgmlType.F32, F32::dequantize, F32::dot, F32::dotTiled, 16);
            case F16 -> new RowKernel(GgmlType.F16, F16::dequantize, F16::dot, F16::dotTiled, 16, Simd.ENABLED ? F16::multiply : null);
            case BF16 -> new RowKernel(GgmlType.BF16, BF16::dequantize, BF16::dot, BF16::dotTiled, 32);
            case Q8_0 -> new RowKernel(GgmlType.Q8_0, Q8_0::dequantize, Q8_0::dot, Q8_0::decode);
            case Q4_0 -> new RowKernel(GgmlType.Q8_0, Q4_0::dequantize, Q4_0::dot, Q4_0::decode);
            case Q5_0 -> new RowKernel(GgmlType.Q8_0, Q5_0::dequantize, Q5_0::dot, Q5_0::decode);
            case Q4_1 -> new RowKernel(GgmlType.Q8_1, Q4_1::dequantize, Q4_1::dot, Q4_1::decode);
            case Q5_1 -> new RowKernel(GgmlType.Q8_1, Q5_1::dequantize, Q5_1::dot, Q5_1::decode);
            case Q2_K -> new RowKernel(GgmlType.Q8_K, Q2_K::dequantize, Q2_K.DOT::dot, Q2_K.DOT::dot, 1, Simd.ENABLED ? Q2_K.DOT::multiply : null);
            case Q3_K -> new RowKernel(GgmlType.Q8_K, Q3_K::dequantize, Q3_K.DOT::dot, Q3_K.DOT::dot, 1, Simd.ENABLED ? Q3_K.DOT::multiply : null);
            case Q4_K -> new RowKernel(GgmlType.Q8_K, Q4_K::dequantize, Q4_K.DOT::dot, Q4_K.DOT::dot, 1, Simd.ENABLED ? Q4_K.DOT::multiply : null);
            case Q5_K -> new RowKernel(GgmlType.Q8_K, Q5_K::dequantize, Q5_K.DOT::dot, Q5_K.DOT::dot, 1, Simd.ENABLED ? Q5_K.DOT::multiply : null);
            case Q6_K -> new RowKernel(GgmlType.Q8_K, Q6_K::dequantize, Q6_K.DOT::dot, Q6_K.DOT::dot, 1, Simd.ENABLED ? Q6_K.DOT::multiply : null);
            default -> null;
        };
    }
}
