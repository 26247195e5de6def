package dev.jllm.engine.quant;

import static dev.jllm.engine.quant.RowScratch.f16;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml's Q3_K ({@code block_q3_K}): super-blocks of 256 values in 16 groups of 16. Layout: 32 bytes of high bits
 * ({@code hmask}), 64 bytes of low 2 bits, 12 bytes of packed 6-bit signed scales, fp16 {@code d}. Value
 * e = 128n + 32j + l has quant ((qs[32n + l] >> 2j) & 3) - (hmask[l] bit 4n + j set ? 0 : 4) and group e / 16;
 * value = d * (scale - 32) * q. Dot products read Q8_K activations.
 */
public final class Q3_K {
    public static final int BLOCK_SIZE = 256;
    public static final int BLOCK_BYTES = 110;
    private static final int QS = 32;
    private static final int SCALES = 96;
    private static final int D = 108;

    private Q3_K() {}

    /** ggml's {@code dequantize_row_q3_K}. */
    public static void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        int blocks = Blocks.count(count, BLOCK_SIZE, "Q3_K");
        for (int b = 0; b < blocks; b++) {
            byte[] x = RowScratch.copy(src, offset + (long) b * BLOCK_BYTES, BLOCK_BYTES);
            int o = 0;
            float d = f16(x, o + D);
            int y = dstOffset + b * BLOCK_SIZE;
            for (int g = 0; g < 16; g++) {
                float dl = d * KScales.scaleQ3(x, o + SCALES, g);
                for (int l = 0; l < 16; l++) dst[y + 16 * g + l] = dl * quant(x, o, 16 * g + l);
            }
        }
    }

    /** The signed 3-bit quant of value {@code e} (0..255) of the super-block at {@code x[o]}. */
    private static int quant(byte[] x, int o, int e) {
        int n = e / 128;
        int j = (e % 128) / 32;
        int l = e % 32;
        int low = ((x[o + QS + 32 * n + l] & 0xFF) >>> (2 * j)) & 3;
        return (x[o + l] & (1 << (4 * n + j))) != 0 ? low : low - 4;
    }

    /**
     * ggml's reference quantizer {@code quantize_row_q3_K_ref}: per group a refined symmetric scale, scales
     * quantized to 6 bits against the super-block's largest, then the values re-quantized.
     */
    public static void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int count) {
        int blocks = Blocks.count(count, BLOCK_SIZE, "Q3_K");
        byte[] L = new byte[BLOCK_SIZE];
        float[] scales = new float[16];
        byte[] y = new byte[BLOCK_BYTES];
        for (int b = 0; b < blocks; b++) {
            int x = srcOffset + b * BLOCK_SIZE;
            float maxScale = 0;
            float amax = 0;
            for (int j = 0; j < 16; ++j) {
                scales[j] = ScaleSearch.symmetricRefined(16, 4, src, x + 16 * j, L, 16 * j);
                float scale = Math.abs(scales[j]);
                if (scale > amax) {
                    amax = scale;
                    maxScale = scales[j];
                }
            }
            Arrays.fill(y, (byte) 0);
            float d = 0;
            if (maxScale != 0) {
                float iscale = -32.f / maxScale;
                for (int j = 0; j < 16; ++j) {
                    int l = Math.max(-32, Math.min(31, (byte) Blocks.nearestInt(iscale * scales[j]))) + 32;
                    if (j < 8) y[SCALES + j] = (byte) (l & 0xF);
                    else y[SCALES + j - 8] |= (byte) ((l & 0xF) << 4);
                    y[SCALES + j % 4 + 8] |= (byte) ((l >> 4) << (2 * (j / 4)));
                }
                d = 1 / iscale;
            }
            short dBits = Float.floatToFloat16(d);
            y[D] = (byte) dBits;
            y[D + 1] = (byte) (dBits >> 8);
            for (int j = 0; j < 16; ++j) {
                float dl = Float.float16ToFloat(dBits) * KScales.scaleQ3(y, SCALES, j);
                if (dl == 0) continue;
                for (int ii = 0; ii < 16; ++ii) {
                    L[16 * j + ii] = (byte) (Math.max(-4, Math.min(3, Blocks.nearestInt(src[x + 16 * j + ii] / dl))) + 4);
                }
            }
            // the high bit of value j goes to hmask[j % 32], bit j / 32
            for (int j = 0; j < BLOCK_SIZE; ++j) {
                if (L[j] > 3) {
                    y[j % 32] |= (byte) (1 << (j / 32));
                    L[j] -= 4;
                }
            }
            for (int j = 0; j < BLOCK_SIZE; j += 128) {
                for (int l = 0; l < 32; ++l) {
                    y[QS + j / 4 + l] = (byte) (L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
                }
            }
            MemorySegment.copy(MemorySegment.ofArray(y), 0, dst, dstOffset + (long) b * BLOCK_BYTES, BLOCK_BYTES);
        }
    }

    /** Dot products with Q8_K activations, per {@code ggml_vec_dot_q3_K_q8_K}. */
    static final SuperBlockDot DOT = new SuperBlockDot(BLOCK_BYTES) {
        @Override
        int scalarBlockSum(byte[] row, int o, byte[] q, int qb) {
            int isum = 0;
            for (int g = 0; g < 16; g++) {
                int groupSum = 0;
                for (int l = 0; l < 16; l++) groupSum += q[qb + 16 * g + l] * quant(row, o, 16 * g + l);
                isum += KScales.scaleQ3(row, o + SCALES, g) * groupSum;
            }
            return isum;
        }

        @Override
        int vectorBlockSum(byte[] row, int o, byte[] q, int qb) {
            IntVector acc = IntVector.zero(Simd.I);
            for (int g = 0; g < 16; g++) {
                int n = g / 8;
                int j = (g % 8) / 2;
                int l0 = 16 * (g % 2);
                IntVector group = IntVector.zero(Simd.I);
                for (int l = l0; l < l0 + 16; l += Simd.LANES) {
                    IntVector low = Simd.bytes(row, o + QS + 32 * n + l).lanewise(VectorOperators.ASHR, 2 * j).and(3);
                    IntVector high = Simd.bytes(row, o + l).lanewise(VectorOperators.ASHR, 4 * n + j).and(1);
                    IntVector quant = low.add(high.lanewise(VectorOperators.LSHL, 2)).sub(4);
                    group = group.add(quant.mul(Simd.bytes(q, qb + 16 * g + l - l0)));
                }
                acc = acc.add(group.mul(KScales.scaleQ3(row, o + SCALES, g)));
            }
            return acc.reduceLanes(VectorOperators.ADD);
        }

        @Override
        float combine(byte[] row, int o, Activations x, int xBlock, int isum) {
            return (f16(row, o + D) * x.scales[xBlock]) * isum;
        }
    };
}
