package dev.jllm.engine.quant;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/** The packed 6-bit sub-block scales of the K-quants (12 bytes per super-block). */
final class KScales {
    /** Where the Q4_K/Q5_K super-block keeps its 12 bytes of scales and mins, after fp16 d and dmin. */
    private static final int K4 = 4;

    private KScales() {}

    /** Q4_K/Q5_K scale {@code j} (0..7) of the 12 bytes at {@code at}: ggml's {@code get_scale_min_k4}, scale half. */
    static int scaleK4(byte[] s, int at, int j) {
        return j < 4 ? s[at + j] & 63 : (s[at + j + 4] & 0xF) | (((s[at + j - 4] & 0xFF) >>> 6) << 4);
    }

    /** Q4_K/Q5_K minimum {@code j} (0..7): ggml's {@code get_scale_min_k4}, min half. */
    static int minK4(byte[] s, int at, int j) {
        return j < 4 ? s[at + j + 4] & 63 : ((s[at + j + 4] & 0xFF) >>> 4) | (((s[at + j] & 0xFF) >>> 6) << 4);
    }

    /**
     * Q3_K scale {@code j} (0..15), already offset by -32: low 4 bits from byte j (j < 8) or the high nibble of byte
     * j - 8, high 2 bits from byte 8 + j % 4 at bit 2 * (j / 4).
     */
    /** The quant of value 32 * sub + l of a Q4_K or Q5_K super-block at {@code x[o]}. */
    @FunctionalInterface
    interface K4Quant {
        int at(byte[] x, int o, int sub, int l);
    }

    /**
     * ggml's {@code dequantize_row_q4_K} / {@code dequantize_row_q5_K}, which differ only in how a quant is read:
     * per sub-block of 32, value = d * scale * q - dmin * min.
     */
    static void dequantizeK4(MemorySegment src, long offset, float[] dst, int dstOffset, int count, String type,
            int blockBytes, K4Quant quant) {
        int blocks = Blocks.count(count, 256, type);
        for (int b = 0; b < blocks; b++) {
            byte[] x = RowScratch.copy(src, offset + (long) b * blockBytes, blockBytes);
            float d = RowScratch.f16(x, 0);
            float min = RowScratch.f16(x, 2);
            int y = dstOffset + b * 256;
            for (int sub = 0; sub < 8; sub++) {
                float dl = d * scaleK4(x, K4, sub);
                float ml = min * minK4(x, K4, sub);
                for (int l = 0; l < 32; l++) dst[y + 32 * sub + l] = dl * quant.at(x, 0, sub, l) - ml;
            }
        }
    }

    static int scaleQ3(byte[] s, int at, int j) {
        int low = j < 8 ? s[at + j] & 0xF : (s[at + j - 8] & 0xFF) >>> 4;
        int high = ((s[at + 8 + j % 4] & 0xFF) >>> (2 * (j / 4))) & 3;
        return (low | high << 4) - 32;
    }

    /**
     * The shared first half of ggml's {@code quantize_row_q4_K_ref} and {@code _q5_K_ref} for the super-block at
     * {@code src[x]}: per sub-block of 32 a scale and min fitted ({@link ScaleSearch#withMin} with {@code nmax},
     * {@code rmin}, {@code nstep}) under weights sqrt(mean x²) + |x|, both quantized to 6 bits against the
     * super-block's largest. Zeroes {@code y}, writes d, dmin and the packed scales and mins into its first 16 bytes,
     * and the values re-quantized to 0..nmax into {@code L}.
     */
    static void fitK4(float[] src, int x, int nmax, float rmin, int nstep, byte[] y, byte[] L) {
        byte[] laux = new byte[32];
        float[] weights = new float[32];
        float[] mins = new float[8];
        float[] scales = new float[8];
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < 8; ++j) {
            float sumX2 = 0;
            for (int l = 0; l < 32; ++l) sumX2 += src[x + 32 * j + l] * src[x + 32 * j + l];
            float avX = (float) Math.sqrt(sumX2 / 32);
            for (int l = 0; l < 32; ++l) weights[l] = avX + Math.abs(src[x + 32 * j + l]);
            scales[j] = ScaleSearch.withMin(32, nmax, src, x + 32 * j, weights, L, 32 * j, mins, j, laux, rmin, 0.1f, nstep, false);
            if (scales[j] > maxScale) maxScale = scales[j];
            if (mins[j] > maxMin) maxMin = mins[j];
        }
        float invScale = maxScale > 0 ? 63.f / maxScale : 0.f;
        float invMin = maxMin > 0 ? 63.f / maxMin : 0.f;
        Arrays.fill(y, (byte) 0);
        for (int j = 0; j < 8; ++j) {
            int ls = Math.min(63, Blocks.nearestInt(invScale * scales[j]) & 0xFF);
            int lm = Math.min(63, Blocks.nearestInt(invMin * mins[j]) & 0xFF);
            if (j < 4) {
                y[K4 + j] = (byte) ls;
                y[K4 + j + 4] = (byte) lm;
            } else {
                y[K4 + j + 4] = (byte) ((ls & 0xF) | ((lm & 0xF) << 4));
                y[K4 + j - 4] |= (byte) ((ls >> 4) << 6);
                y[K4 + j] |= (byte) ((lm >> 4) << 6);
            }
        }
        short dBits = Float.floatToFloat16(maxScale / 63.f);
        short dminBits = Float.floatToFloat16(maxMin / 63.f);
        y[0] = (byte) dBits;
        y[1] = (byte) (dBits >> 8);
        y[2] = (byte) dminBits;
        y[3] = (byte) (dminBits >> 8);
        for (int j = 0; j < 8; ++j) {
            float dl = Float.float16ToFloat(dBits) * scaleK4(y, K4, j);
            if (dl == 0) continue;
            float ml = Float.float16ToFloat(dminBits) * minK4(y, K4, j);
            for (int ii = 0; ii < 32; ++ii) {
                L[32 * j + ii] = (byte) Math.max(0, Math.min(nmax, Blocks.nearestInt((src[x + 32 * j + ii] + ml) / dl)));
            }
        }
    }
}
