package dev.jllm.engine.quant;

import static dev.jllm.engine.quant.BlockBytes.f16;
import static dev.jllm.engine.quant.BlockBytes.i32;
import static dev.jllm.engine.quant.BlockBytes.u8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Dequantization of hand-built blocks. Each type has a block whose values were worked out by hand from the ggml
 * block layout, and random blocks compared bit for bit with a port of ggml's {@code dequantize_row_*} loops written
 * here in their original pointer-walking form (independent of the index arithmetic the main code uses).
 */
class DequantizationTest {
    private static final int BLOCKS = 3;
    private static final int OFFSET = 5;

    @FunctionalInterface
    interface Dequantizer {
        void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count);
    }

    private static float[] dequantize(Dequantizer d, byte[] bytes, int count) {
        float[] out = new float[count];
        d.dequantize(MemorySegment.ofArray(bytes), 0, out, 0, count);
        return out;
    }

    /** Dequantizes BLOCKS random blocks into an array at OFFSET and compares bits with {@code expected}. */
    private static void assertMatchesGgml(Dequantizer d, int blockSize, byte[] bytes, float[] expected) {
        float[] out = new float[OFFSET + expected.length + 1];
        out[out.length - 1] = 42;
        d.dequantize(MemorySegment.ofArray(bytes), 0, out, OFFSET, expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(Float.floatToRawIntBits(out[OFFSET + i]))
                    .as("value %d (block %d): got %s, expected %s", i, i / blockSize, out[OFFSET + i], expected[i])
                    .isEqualTo(Float.floatToRawIntBits(expected[i]));
        }
        assertThat(out[out.length - 1]).as("value past the end").isEqualTo(42);
        assertThat(out[OFFSET - 1]).as("value before the offset").isEqualTo(0);
    }

    // ---- F32, F16, BF16

    @Test
    void f32IsLittleEndianFloats() {
        byte[] b = new BlockBytes(12).f32(1.5f).f32(-0.0f).f32(Float.MIN_VALUE).array();
        assertThat(dequantize(F32::dequantize, b, 3)).containsExactly(1.5f, -0.0f, Float.MIN_VALUE);
    }

    @Test
    void f16IsIeeeHalf() {
        byte[] b = new BlockBytes(10).i16(0x3C00).i16(0xC000).i16(0x7BFF).i16(0x0001).i16(0xFC00).array();
        assertThat(dequantize(F16::dequantize, b, 5)).containsExactly(1.0f, -2.0f, 65504.0f, 0x1p-24f, Float.NEGATIVE_INFINITY);
    }

    @Test
    void bf16IsTheUpperHalfOfAFloat() {
        byte[] b = new BlockBytes(8).i16(0x3F80).i16(0xC040).i16(0x7F80).i16(0x0001).array();
        assertThat(dequantize(BF16::dequantize, b, 4))
                .containsExactly(1.0f, -3.0f, Float.POSITIVE_INFINITY, Float.intBitsToFloat(0x00010000));
    }

    // ---- Q8_0

    @Test
    void q8_0HandBlock() {
        byte[] b = new BlockBytes(34).f16(0.25f).bytes(1, -2, 127, -128).random(new Random(1), 28).array();
        float[] y = dequantize(Q8_0::dequantize, b, 32);
        assertThat(new float[] {y[0], y[1], y[2], y[3]}).containsExactly(0.25f, -0.5f, 31.75f, -32f);
    }

    @Test
    void q8_0MatchesGgml() {
        Random r = new Random(8);
        BlockBytes bb = new BlockBytes(BLOCKS * 34);
        for (int i = 0; i < BLOCKS; i++) bb.randomF16(r, 2).random(r, 32);
        byte[] x = bb.array();
        float[] y = new float[BLOCKS * 32];
        for (int i = 0; i < BLOCKS; i++) {
            float d = f16(x, i * 34);
            for (int j = 0; j < 32; j++) y[i * 32 + j] = x[i * 34 + 2 + j] * d;
        }
        assertMatchesGgml(Q8_0::dequantize, 32, x, y);
    }

    // ---- Q4_0

    @Test
    void q4_0HandBlock() {
        // byte 0 = 0x1F: value 0 = (15 - 8) * -0.5, value 16 = (1 - 8) * -0.5; byte 1 = 0x80: value 1 = (0 - 8) * -0.5,
        // value 17 = (8 - 8) * -0.5 = -0.0
        byte[] b = new BlockBytes(18).f16(-0.5f).bytes(0x1F, 0x80).random(new Random(2), 14).array();
        float[] y = dequantize(Q4_0::dequantize, b, 32);
        assertThat(new float[] {y[0], y[16], y[1], y[17]}).containsExactly(-3.5f, 3.5f, 4f, -0.0f);
    }

    @Test
    void q4_0MatchesGgml() {
        Random r = new Random(40);
        BlockBytes bb = new BlockBytes(BLOCKS * 18);
        for (int i = 0; i < BLOCKS; i++) bb.randomF16(r, 2).random(r, 16);
        byte[] x = bb.array();
        float[] y = new float[BLOCKS * 32];
        for (int i = 0; i < BLOCKS; i++) {
            float d = f16(x, i * 18);
            for (int j = 0; j < 16; j++) {
                int x0 = (u8(x, i * 18 + 2 + j) & 0x0F) - 8;
                int x1 = (u8(x, i * 18 + 2 + j) >> 4) - 8;
                y[i * 32 + j] = x0 * d;
                y[i * 32 + j + 16] = x1 * d;
            }
        }
        assertMatchesGgml(Q4_0::dequantize, 32, x, y);
    }

    // ---- Q4_1

    @Test
    void q4_1HandBlock() {
        // byte 0 = 0x3C: value 0 = 12 * 0.5 - 1, value 16 = 3 * 0.5 - 1
        byte[] b = new BlockBytes(20).f16(0.5f).f16(-1f).bytes(0x3C).random(new Random(3), 15).array();
        float[] y = dequantize(Q4_1::dequantize, b, 32);
        assertThat(new float[] {y[0], y[16]}).containsExactly(5f, 0.5f);
    }

    @Test
    void q4_1MatchesGgml() {
        Random r = new Random(41);
        BlockBytes bb = new BlockBytes(BLOCKS * 20);
        for (int i = 0; i < BLOCKS; i++) bb.randomF16(r, 2).randomF16(r, 2).random(r, 16);
        byte[] x = bb.array();
        float[] y = new float[BLOCKS * 32];
        for (int i = 0; i < BLOCKS; i++) {
            float d = f16(x, i * 20);
            float m = f16(x, i * 20 + 2);
            for (int j = 0; j < 16; j++) {
                int x0 = u8(x, i * 20 + 4 + j) & 0x0F;
                int x1 = u8(x, i * 20 + 4 + j) >> 4;
                y[i * 32 + j] = x0 * d + m;
                y[i * 32 + j + 16] = x1 * d + m;
            }
        }
        assertMatchesGgml(Q4_1::dequantize, 32, x, y);
    }

    // ---- Q5_0

    @Test
    void q5_0HandBlock() {
        // qh bits 0 and 16 set: value 0 = (1 | 16) - 16 = 1, value 16 = (2 | 16) - 16 = 2; byte 1 = 0 and its qh bits
        // clear: values 1 and 17 = 0 - 16
        byte[] b = new BlockBytes(22).f16(1f).i32(0x00010001).bytes(0x21, 0x00).random(new Random(4), 14).array();
        float[] y = dequantize(Q5_0::dequantize, b, 32);
        assertThat(new float[] {y[0], y[16], y[1], y[17]}).containsExactly(1f, 2f, -16f, -16f);
    }

    @Test
    void q5_0MatchesGgml() {
        Random r = new Random(50);
        BlockBytes bb = new BlockBytes(BLOCKS * 22);
        for (int i = 0; i < BLOCKS; i++) bb.randomF16(r, 2).random(r, 20);
        byte[] x = bb.array();
        float[] y = new float[BLOCKS * 32];
        for (int i = 0; i < BLOCKS; i++) {
            float d = f16(x, i * 22);
            int qh = i32(x, i * 22 + 2);
            for (int j = 0; j < 16; j++) {
                int xh0 = ((qh >>> j) << 4) & 0x10;
                int xh1 = (qh >>> (j + 12)) & 0x10;
                int x0 = ((u8(x, i * 22 + 6 + j) & 0x0F) | xh0) - 16;
                int x1 = ((u8(x, i * 22 + 6 + j) >> 4) | xh1) - 16;
                y[i * 32 + j] = x0 * d;
                y[i * 32 + j + 16] = x1 * d;
            }
        }
        assertMatchesGgml(Q5_0::dequantize, 32, x, y);
    }

    // ---- Q5_1

    @Test
    void q5_1HandBlock() {
        // qh bit 31 set: value 31 = (15 | 16) * 0.25 + 1; value 15 = 0 * 0.25 + 1
        BlockBytes bb = new BlockBytes(24).f16(0.25f).f16(1f).i32(0x80000000);
        for (int j = 0; j < 15; j++) bb.bytes(0x11);
        byte[] b = bb.bytes(0xF0).array();
        float[] y = dequantize(Q5_1::dequantize, b, 32);
        assertThat(new float[] {y[15], y[31], y[0]}).containsExactly(1f, 8.75f, 1.25f);
    }

    @Test
    void q5_1MatchesGgml() {
        Random r = new Random(51);
        BlockBytes bb = new BlockBytes(BLOCKS * 24);
        for (int i = 0; i < BLOCKS; i++) bb.randomF16(r, 2).randomF16(r, 2).random(r, 20);
        byte[] x = bb.array();
        float[] y = new float[BLOCKS * 32];
        for (int i = 0; i < BLOCKS; i++) {
            float d = f16(x, i * 24);
            float m = f16(x, i * 24 + 2);
            int qh = i32(x, i * 24 + 4);
            for (int j = 0; j < 16; j++) {
                int xh0 = ((qh >>> j) << 4) & 0x10;
                int xh1 = (qh >>> (j + 12)) & 0x10;
                int x0 = (u8(x, i * 24 + 8 + j) & 0x0F) | xh0;
                int x1 = (u8(x, i * 24 + 8 + j) >> 4) | xh1;
                y[i * 32 + j] = x0 * d + m;
                y[i * 32 + j + 16] = x1 * d + m;
            }
        }
        assertMatchesGgml(Q5_1::dequantize, 32, x, y);
    }

    // ---- Q8_K

    @Test
    void q8_KHandBlock() {
        BlockBytes bb = new BlockBytes(292).f32(0.5f).bytes(-3).random(new Random(5), 254).bytes(100);
        for (int g = 0; g < 16; g++) bb.i16(0);
        float[] y = dequantize(Q8_K::dequantize, bb.array(), 256);
        assertThat(new float[] {y[0], y[255]}).containsExactly(-1.5f, 50f);
    }

    // ---- Q2_K

    @Test
    void q2_KHandBlock() {
        byte[] scales = new byte[16];
        scales[0] = 0x21; // group 0: scale 1, min 2
        scales[1] = 0x03; // group 1: scale 3, min 0
        scales[2] = 0x11; // group 2: scale 1, min 1
        scales[4] = 0x05; // group 4: scale 5, min 0
        scales[6] = (byte) 0xF0; // group 6: scale 0, min 15
        byte[] qs = new byte[64];
        qs[0] = (byte) 0xE4; // 2-bit quants 0, 1, 2, 3 for values 0, 32, 64, 96
        qs[16] = 0x02; // value 16: quant 2
        byte[] b = new BlockBytes(84).bytes(toInts(scales)).bytes(toInts(qs)).f16(0.5f).f16(0.25f).array();
        float[] y = dequantize(Q2_K::dequantize, b, 256);
        // 0.5*1*0 - 0.25*2; 0.5*1*1 - 0.25*1; 0.5*5*2 - 0; 0.5*0*3 - 0.25*15; 0.5*3*2 - 0
        assertThat(new float[] {y[0], y[32], y[64], y[96], y[16]}).containsExactly(-0.5f, 0.25f, 5f, -3.75f, 3f);
    }

    @Test
    void q2_KMatchesGgml() {
        Random r = new Random(2);
        BlockBytes bb = new BlockBytes(BLOCKS * 84);
        for (int i = 0; i < BLOCKS; i++) bb.random(r, 80).randomF16(r, 1).randomF16(r, 1);
        byte[] x = bb.array();
        float[] y = new float[BLOCKS * 256];
        int yi = 0;
        for (int i = 0; i < BLOCKS; i++) {
            int base = i * 84;
            float d = f16(x, base + 80);
            float min = f16(x, base + 82);
            int q = base + 16;
            int is = 0;
            for (int n = 0; n < 256; n += 128) {
                int shift = 0;
                for (int j = 0; j < 4; ++j) {
                    int sc = u8(x, base + is++);
                    float dl = d * (sc & 0xF);
                    float ml = min * (sc >> 4);
                    for (int l = 0; l < 16; ++l) y[yi++] = dl * ((u8(x, q + l) >> shift) & 3) - ml;
                    sc = u8(x, base + is++);
                    dl = d * (sc & 0xF);
                    ml = min * (sc >> 4);
                    for (int l = 0; l < 16; ++l) y[yi++] = dl * ((u8(x, q + l + 16) >> shift) & 3) - ml;
                    shift += 2;
                }
                q += 32;
            }
        }
        assertMatchesGgml(Q2_K::dequantize, 256, x, y);
    }

    // ---- Q3_K

    @Test
    void q3_KHandBlock() {
        byte[] hmask = new byte[32];
        hmask[0] = 0x11; // bit 0: value 0 keeps its quant; bit 4: value 128 keeps its quant
        byte[] qs = new byte[64];
        qs[0] = 0x03; // value 0: low bits 3; value 32: low bits 0
        qs[32] = 0x02; // value 128: low bits 2
        qs[63] = 0x40; // value 255: low bits 1
        byte[] scales = new byte[12];
        // group 0: 33 (low 4 bits 1 in byte 0, high 2 bits 2 in byte 8 bits 0-1); group 8: 40 (low 8 in the high
        // nibble of byte 0, high 2 in byte 8 bits 4-5); all others 0
        scales[0] = (byte) 0x81;
        scales[8] = 0x22;
        byte[] b = new BlockBytes(110).bytes(toInts(hmask)).bytes(toInts(qs)).bytes(toInts(scales)).f16(0.5f).array();
        float[] y = dequantize(Q3_K::dequantize, b, 256);
        // value 0: 0.5 * (33 - 32) * 3; value 32: 0.5 * (0 - 32) * (0 - 4); value 128: 0.5 * (40 - 32) * 2;
        // value 255: 0.5 * (0 - 32) * (1 - 4)
        assertThat(new float[] {y[0], y[32], y[128], y[255]}).containsExactly(1.5f, 64f, 8f, 48f);
    }

    @Test
    void q3_KMatchesGgml() {
        Random r = new Random(3);
        BlockBytes bb = new BlockBytes(BLOCKS * 110);
        for (int i = 0; i < BLOCKS; i++) bb.random(r, 108).randomF16(r, 1);
        byte[] x = bb.array();
        float[] y = new float[BLOCKS * 256];
        int yi = 0;
        int kmask1 = 0x03030303;
        int kmask2 = 0x0f0f0f0f;
        for (int i = 0; i < BLOCKS; i++) {
            int base = i * 110;
            float dAll = f16(x, base + 108);
            int[] aux = {i32(x, base + 96), i32(x, base + 100), i32(x, base + 104), 0};
            int tmp = aux[2];
            aux[2] = ((aux[0] >>> 4) & kmask2) | (((tmp >>> 4) & kmask1) << 4);
            aux[3] = ((aux[1] >>> 4) & kmask2) | (((tmp >>> 6) & kmask1) << 4);
            aux[0] = (aux[0] & kmask2) | ((tmp & kmask1) << 4);
            aux[1] = (aux[1] & kmask2) | (((tmp >>> 2) & kmask1) << 4);
            byte[] scales = new byte[16];
            for (int k = 0; k < 16; k++) scales[k] = (byte) (aux[k / 4] >>> (8 * (k % 4)));
            int q = base + 32;
            int hm = base;
            int m = 1;
            int is = 0;
            for (int n = 0; n < 256; n += 128) {
                int shift = 0;
                for (int j = 0; j < 4; ++j) {
                    float dl = dAll * (scales[is++] - 32);
                    for (int l = 0; l < 16; ++l) y[yi++] = dl * (((u8(x, q + l) >> shift) & 3) - ((u8(x, hm + l) & m) != 0 ? 0 : 4));
                    dl = dAll * (scales[is++] - 32);
                    for (int l = 0; l < 16; ++l) y[yi++] = dl * (((u8(x, q + l + 16) >> shift) & 3) - ((u8(x, hm + l + 16) & m) != 0 ? 0 : 4));
                    shift += 2;
                    m <<= 1;
                }
                q += 32;
            }
        }
        assertMatchesGgml(Q3_K::dequantize, 256, x, y);
    }

    // ---- Q4_K and Q5_K share their scale packing

    /** Scales and mins of a Q4_K/Q5_K super-block, unpacked the way ggml's vec_dot does it (utmp masks). */
    private static int[][] k4ScalesAndMins(byte[] x, int at) {
        int kmask1 = 0x3f3f3f3f;
        int kmask2 = 0x0f0f0f0f;
        int kmask3 = 0x03030303;
        int[] utmp = {i32(x, at), i32(x, at + 4), i32(x, at + 8), 0};
        utmp[3] = ((utmp[2] >>> 4) & kmask2) | (((utmp[1] >>> 6) & kmask3) << 4);
        int uaux = utmp[1] & kmask1;
        utmp[1] = (utmp[2] & kmask2) | (((utmp[0] >>> 6) & kmask3) << 4);
        utmp[2] = uaux;
        utmp[0] &= kmask1;
        int[] scales = new int[8];
        int[] mins = new int[8];
        for (int k = 0; k < 8; k++) {
            scales[k] = (utmp[k / 4] >>> (8 * (k % 4))) & 0xFF;
            mins[k] = (utmp[2 + k / 4] >>> (8 * (k % 4))) & 0xFF;
        }
        return new int[][] {scales, mins};
    }

    private static byte[] handK4Scales() {
        byte[] s = new byte[12];
        s[0] = 0x42; // sub-block 0 scale 2; top bits 1 = high bits of sub-block 4's scale
        s[1] = 1; // sub-block 1 scale 1
        s[4] = 3; // sub-block 0 min 3
        s[5] = 0; // sub-block 1 min 0
        s[8] = 0x25; // sub-block 4: scale low bits 5, min low bits 2 -> scale 5 | 1 << 4 = 21, min 2
        return s;
    }

    @Test
    void q4_KHandBlock() {
        byte[] qs = new byte[128];
        qs[0] = 0x5A; // value 0: 10 (sub-block 0); value 32: 5 (sub-block 1)
        qs[64] = 0x07; // value 128: 7 (sub-block 4)
        byte[] b = new BlockBytes(144).f16(1f).f16(0.5f).bytes(toInts(handK4Scales())).bytes(toInts(qs)).array();
        float[] y = dequantize(Q4_K::dequantize, b, 256);
        // 1*2*10 - 0.5*3; 1*1*5 - 0.5*0; 1*21*7 - 0.5*2
        assertThat(new float[] {y[0], y[32], y[128]}).containsExactly(18.5f, 5f, 146f);
    }

    @Test
    void q4_KMatchesGgml() {
        Random r = new Random(4);
        BlockBytes bb = new BlockBytes(BLOCKS * 144);
        for (int i = 0; i < BLOCKS; i++) bb.randomF16(r, 1).randomF16(r, 1).random(r, 140);
        byte[] x = bb.array();
        float[] y = new float[BLOCKS * 256];
        int yi = 0;
        for (int i = 0; i < BLOCKS; i++) {
            int base = i * 144;
            float d = f16(x, base);
            float min = f16(x, base + 2);
            int[][] sm = k4ScalesAndMins(x, base + 4);
            int q = base + 16;
            int is = 0;
            for (int j = 0; j < 256; j += 64) {
                float d1 = d * sm[0][is];
                float m1 = min * sm[1][is];
                float d2 = d * sm[0][is + 1];
                float m2 = min * sm[1][is + 1];
                for (int l = 0; l < 32; ++l) y[yi++] = d1 * (u8(x, q + l) & 0xF) - m1;
                for (int l = 0; l < 32; ++l) y[yi++] = d2 * (u8(x, q + l) >> 4) - m2;
                q += 32;
                is += 2;
            }
        }
        assertMatchesGgml(Q4_K::dequantize, 256, x, y);
    }

    @Test
    void q5_KHandBlock() {
        byte[] qh = new byte[32];
        qh[0] = 0x11; // bit 0: value 0 gets +16; bit 4: value 128 gets +16
        byte[] qs = new byte[128];
        qs[0] = 0x5A;
        qs[64] = 0x07;
        byte[] b = new BlockBytes(176).f16(1f).f16(0.5f).bytes(toInts(handK4Scales())).bytes(toInts(qh)).bytes(toInts(qs)).array();
        float[] y = dequantize(Q5_K::dequantize, b, 256);
        // 1*2*26 - 0.5*3; 1*1*5 - 0; 1*21*23 - 0.5*2
        assertThat(new float[] {y[0], y[32], y[128]}).containsExactly(50.5f, 5f, 482f);
    }

    @Test
    void q5_KMatchesGgml() {
        Random r = new Random(5);
        BlockBytes bb = new BlockBytes(BLOCKS * 176);
        for (int i = 0; i < BLOCKS; i++) bb.randomF16(r, 1).randomF16(r, 1).random(r, 172);
        byte[] x = bb.array();
        float[] y = new float[BLOCKS * 256];
        int yi = 0;
        for (int i = 0; i < BLOCKS; i++) {
            int base = i * 176;
            float d = f16(x, base);
            float min = f16(x, base + 2);
            int[][] sm = k4ScalesAndMins(x, base + 4);
            int ql = base + 48;
            int qh = base + 16;
            int is = 0;
            int u1 = 1;
            int u2 = 2;
            for (int j = 0; j < 256; j += 64) {
                float d1 = d * sm[0][is];
                float m1 = min * sm[1][is];
                float d2 = d * sm[0][is + 1];
                float m2 = min * sm[1][is + 1];
                for (int l = 0; l < 32; ++l) y[yi++] = d1 * ((u8(x, ql + l) & 0xF) + ((u8(x, qh + l) & u1) != 0 ? 16 : 0)) - m1;
                for (int l = 0; l < 32; ++l) y[yi++] = d2 * ((u8(x, ql + l) >> 4) + ((u8(x, qh + l) & u2) != 0 ? 16 : 0)) - m2;
                ql += 32;
                is += 2;
                u1 <<= 2;
                u2 <<= 2;
            }
        }
        assertMatchesGgml(Q5_K::dequantize, 256, x, y);
    }

    // ---- Q6_K

    @Test
    void q6_KHandBlock() {
        byte[] ql = new byte[128];
        ql[0] = 0x0F; // value 0: low nibble 15
        ql[127] = 0x30; // value 255: high nibble 3
        byte[] qh = new byte[64];
        qh[0] = 0x02; // value 0: high bits 2; value 32: high bits 0
        qh[63] = (byte) 0xC0; // value 255: high bits 3
        byte[] scales = new byte[16];
        scales[0] = -2;
        scales[2] = 3;
        scales[15] = 1;
        byte[] b = new BlockBytes(210).bytes(toInts(ql)).bytes(toInts(qh)).bytes(toInts(scales)).f16(0.5f).array();
        float[] y = dequantize(Q6_K::dequantize, b, 256);
        // 0.5*-2*((15 | 2<<4) - 32); 0.5*3*(0 - 32); 0.5*1*((3 | 3<<4) - 32)
        assertThat(new float[] {y[0], y[32], y[255]}).containsExactly(-15f, -48f, 9.5f);
    }

    @Test
    void q6_KMatchesGgml() {
        Random r = new Random(6);
        BlockBytes bb = new BlockBytes(BLOCKS * 210);
        for (int i = 0; i < BLOCKS; i++) bb.random(r, 208).randomF16(r, 1);
        byte[] x = bb.array();
        float[] y = new float[BLOCKS * 256];
        for (int i = 0; i < BLOCKS; i++) {
            int base = i * 210;
            float d = f16(x, base + 208);
            int ql = base;
            int qh = base + 128;
            int sc = base + 192;
            int yo = i * 256;
            for (int n = 0; n < 256; n += 128) {
                for (int l = 0; l < 32; ++l) {
                    int is = l / 16;
                    int q1 = (byte) ((u8(x, ql + l) & 0xF) | (((u8(x, qh + l) >> 0) & 3) << 4)) - 32;
                    int q2 = (byte) ((u8(x, ql + l + 32) & 0xF) | (((u8(x, qh + l) >> 2) & 3) << 4)) - 32;
                    int q3 = (byte) ((u8(x, ql + l) >> 4) | (((u8(x, qh + l) >> 4) & 3) << 4)) - 32;
                    int q4 = (byte) ((u8(x, ql + l + 32) >> 4) | (((u8(x, qh + l) >> 6) & 3) << 4)) - 32;
                    y[yo + l] = d * x[sc + is] * q1;
                    y[yo + l + 32] = d * x[sc + is + 2] * q2;
                    y[yo + l + 64] = d * x[sc + is + 4] * q3;
                    y[yo + l + 96] = d * x[sc + is + 6] * q4;
                }
                yo += 128;
                ql += 64;
                qh += 32;
                sc += 8;
            }
        }
        assertMatchesGgml(Q6_K::dequantize, 256, x, y);
    }

    @Test
    void countsThatAreNotWholeBlocksAreRejected() {
        MemorySegment s = MemorySegment.ofArray(new byte[210]);
        float[] out = new float[256];
        assertThatThrownBy(() -> Q4_0.dequantize(s, 0, out, 0, 33)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Q4_0").hasMessageContaining("multiple of 32").hasMessageContaining("33");
        assertThatThrownBy(() -> Q6_K.dequantize(s, 0, out, 0, 128)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Q6_K").hasMessageContaining("256");
    }

    private static int[] toInts(byte[] bytes) {
        int[] v = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) v[i] = bytes[i];
        return v;
    }
}
