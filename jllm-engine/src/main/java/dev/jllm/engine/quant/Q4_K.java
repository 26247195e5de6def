package dev.jllm.engine.quant;

import static dev.jllm.engine.quant.RowScratch.f16;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml's Q4_K ({@code block_q4_K}): super-blocks of 256 values in 8 sub-blocks of 32. Layout: fp16 {@code d}, fp16
 * {@code dmin}, 12 bytes of packed 6-bit scales and mins, 128 bytes of nibbles: byte 32c + l holds value 64c + l in
 * its low nibble and value 64c + 32 + l in its high nibble. value = d * scale * q - dmin * min for the value's
 * sub-block. Dot products read Q8_K activations.
 */
public final class Q4_K {
    public static final int BLOCK_SIZE = 256;
    public static final int BLOCK_BYTES = 144;
    private static final int SCALES = 4;
    private static final int QS = 16;

    private Q4_K() {}

    /** ggml's {@code dequantize_row_q4_K}. */
    public static void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        KScales.dequantizeK4(src, offset, dst, dstOffset, count, "Q4_K", BLOCK_BYTES, Q4_K::quant);
    }

    /** The 4-bit quant of value 32 * sub + l of the super-block at {@code x[o]}. */
    private static int quant(byte[] x, int o, int sub, int l) {
        return ((x[o + QS + 32 * (sub / 2) + l] & 0xFF) >>> (4 * (sub % 2))) & 0xF;
    }

    /**
     * ggml's reference quantizer {@code quantize_row_q4_K_ref}: per sub-block of 32 a scale and min fitted with
     * weights sqrt(mean x²) + |x|, both quantized to 6 bits against the super-block's largest, then the values
     * re-quantized to 4 bits.
     */
    public static void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int count) {
        int blocks = Blocks.count(count, BLOCK_SIZE, "Q4_K");
        byte[] L = new byte[BLOCK_SIZE];
        byte[] y = new byte[BLOCK_BYTES];
        for (int b = 0; b < blocks; b++) {
            int x = srcOffset + b * BLOCK_SIZE;
            KScales.fitK4(src, x, 15, -1.f, 20, y, L);
            for (int j = 0; j < BLOCK_SIZE; j += 64) {
                for (int l = 0; l < 32; ++l) y[QS + j / 2 + l] = (byte) (L[j + l] | (L[j + l + 32] << 4));
            }
            MemorySegment.copy(MemorySegment.ofArray(y), 0, dst, dstOffset + (long) b * BLOCK_BYTES, BLOCK_BYTES);
        }
    }

    /** Dot products with Q8_K activations, per {@code ggml_vec_dot_q4_K_q8_K}. */
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
                    low = low.add(packed.and(0xF).mul(Simd.bytes(q, qb + 64 * c + l)));
                    high = high.add(packed.lanewise(VectorOperators.ASHR, 4).and(0xF).mul(Simd.bytes(q, qb + 64 * c + 32 + l)));
                }
                acc = acc.add(low.mul(KScales.scaleK4(row, o + SCALES, 2 * c))).add(high.mul(KScales.scaleK4(row, o + SCALES, 2 * c + 1)));
            }
            return acc.reduceLanes(VectorOperators.ADD);
        }

        /** The super-block's share of the dot product: d·dx·isum - dmin·dx·Σ(group sums · mins). */
        @Override
        float combine(byte[] row, int o, Activations x, int xBlock, int isum) {
            int minSum = 0;
            for (int sub = 0; sub < 8; sub++) {
                int groups = x.groupSums[16 * xBlock + 2 * sub] + x.groupSums[16 * xBlock + 2 * sub + 1];
                minSum += groups * KScales.minK4(row, o + SCALES, sub);
            }
            float dx = x.scales[xBlock];
            return f16(row, o) * dx * isum - f16(row, o + 2) * dx * minSum;
        }
    };
}
