package dev.jllm.engine.quant;

import static dev.jllm.engine.quant.RowScratch.f16;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml's Q5_K ({@code block_q5_K}): super-blocks of 256 values in 8 sub-blocks of 32. Layout: fp16 {@code d}, fp16
 * {@code dmin}, 12 bytes of packed 6-bit scales and mins, 32 bytes of fifth bits ({@code qh}: bit s of byte l belongs
 * to value 32s + l), 128 bytes of low nibbles arranged as in Q4_K. value = d * scale * q - dmin * min for the value's
 * sub-block. Dot products read Q8_K activations.
 */
public final class Q5_K {
    public static final int BLOCK_SIZE = 256;
    public static final int BLOCK_BYTES = 176;
    private static final int SCALES = 4;
    private static final int QH = 16;
    private static final int QS = 48;

    private Q5_K() {}

    /** ggml's {@code dequantize_row_q5_K}. */
    public static void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        KScales.dequantizeK4(src, offset, dst, dstOffset, count, "Q5_K", BLOCK_BYTES, Q5_K::quant);
    }

    /** The 5-bit quant of value 32 * sub + l of the super-block at {@code x[o]}. */
    private static int quant(byte[] x, int o, int sub, int l) {
        int low = ((x[o + QS + 32 * (sub / 2) + l] & 0xFF) >>> (4 * (sub % 2))) & 0xF;
        return low | (((x[o + QH + l] & 0xFF) >>> sub) & 1) << 4;
    }

    /**
     * ggml's reference quantizer {@code quantize_row_q5_K_ref}: per sub-block of 32 a scale and min fitted with
     * weights sqrt(mean x²) + |x|, both quantized to 6 bits against the super-block's largest, then the values
     * re-quantized to 5 bits.
     */
    public static void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int count) {
        int blocks = Blocks.count(count, BLOCK_SIZE, "Q5_K");
        byte[] L = new byte[BLOCK_SIZE];
        byte[] y = new byte[BLOCK_BYTES];
        for (int b = 0; b < blocks; b++) {
            int x = srcOffset + b * BLOCK_SIZE;
            KScales.fitK4(src, x, 31, -0.5f, 15, y, L);
            for (int n = 0; n < BLOCK_SIZE; n += 64) {
                for (int j = 0; j < 32; ++j) {
                    int l1 = L[n + j];
                    int l2 = L[n + j + 32];
                    if (l1 > 15) {
                        l1 -= 16;
                        y[QH + j] |= (byte) (1 << (n / 32));
                    }
                    if (l2 > 15) {
                        l2 -= 16;
                        y[QH + j] |= (byte) (2 << (n / 32));
                    }
                    y[QS + n / 2 + j] = (byte) (l1 | (l2 << 4));
                }
            }
            MemorySegment.copy(MemorySegment.ofArray(y), 0, dst, dstOffset + (long) b * BLOCK_BYTES, BLOCK_BYTES);
        }
    }

    /** Dot products with Q8_K activations, per {@code ggml_vec_dot_q5_K_q8_K}. */
    static final SuperBlockDot DOT = new SuperBlockDot(BLOCK_BYTES) {
        @Override
        int scalarBlockSum(byte[] row, int o, byte[] q, int qb) {
            int isum = 0;
            for (int sub = 0; sub < 8; sub++) {
                int subSum = 0;
                for (int l = 0; l < 32; l++) subSum += q[qb + 32 * sub + l] * quant(row, o, sub, l);
                isum += KScales.scaleK4(row, o + SCALES, sub) * subSum;
            }
            return isum;
        }

        @Override
        int vectorBlockSum(byte[] row, int o, byte[] q, int qb) {
            IntVector acc = IntVector.zero(Simd.I);
            for (int c = 0; c < 4; c++) {
                IntVector low = IntVector.zero(Simd.I);
                IntVector high = IntVector.zero(Simd.I);
                for (int l = 0; l < 32; l += Simd.LANES) {
                    IntVector packed = Simd.bytes(row, o + QS + 32 * c + l);
                    IntVector fifth = Simd.bytes(row, o + QH + l);
                    IntVector q0 = packed.and(0xF).or(fifth.lanewise(VectorOperators.ASHR, 2 * c).and(1).lanewise(VectorOperators.LSHL, 4));
                    IntVector q1 = packed.lanewise(VectorOperators.ASHR, 4).and(0xF)
                            .or(fifth.lanewise(VectorOperators.ASHR, 2 * c + 1).and(1).lanewise(VectorOperators.LSHL, 4));
                    low = low.add(q0.mul(Simd.bytes(q, qb + 64 * c + l)));
                    high = high.add(q1.mul(Simd.bytes(q, qb + 64 * c + 32 + l)));
                }
                acc = acc.add(low.mul(KScales.scaleK4(row, o + SCALES, 2 * c))).add(high.mul(KScales.scaleK4(row, o + SCALES, 2 * c + 1)));
            }
            return acc.reduceLanes(VectorOperators.ADD);
        }

        /** The same as Q4_K's: d, dmin and the packed scales and mins sit at the same offsets. */
        @Override
        float combine(byte[] row, int o, Activations x, int xBlock, int isum) {
            return Q4_K.DOT.combine(row, o, x, xBlock, isum);
        }
    };
}
