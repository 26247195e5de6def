package dev.jllm.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The 16-bit float conversions: bfloat16 rounding as ggml does it, and the vectorized IEEE half widening. */
class HalfPrecisionTest {

    @Test
    void bfloat16RoundsToNearestEven() {
        // 0x3F808000 lies halfway between bf16 0x3F80 and 0x3F81: to even (0x3F80); 0x3F818000: to even (0x3F82)
        assertThat(BFloat16.fromFloat(Float.intBitsToFloat(0x3F808000))).isEqualTo((short) 0x3F80);
        assertThat(BFloat16.fromFloat(Float.intBitsToFloat(0x3F818000))).isEqualTo((short) 0x3F82);
        assertThat(BFloat16.fromFloat(Float.intBitsToFloat(0x3F808001))).isEqualTo((short) 0x3F81);
        assertThat(BFloat16.fromFloat(-1.0f)).isEqualTo((short) 0xBF80);
        // the largest floats round up to infinity
        assertThat(BFloat16.fromFloat(Float.MAX_VALUE)).isEqualTo((short) 0x7F80);
    }

    @Test
    void bfloat16KeepsNanAQuietNan() {
        short signalling = BFloat16.fromFloat(Float.intBitsToFloat(0x7F800001));
        assertThat(Float.isNaN(BFloat16.toFloat(signalling))).isTrue();
        assertThat(signalling & 0x0040).as("quiet bit").isEqualTo(0x0040);
    }

    @Test
    void bfloat16IsTheTopHalfOfAFloat() {
        for (int bits = 0; bits < 0x10000; bits += 7) {
            float f = BFloat16.toFloat((short) bits);
            assertThat(Float.floatToRawIntBits(f)).isEqualTo(bits << 16);
            if (!Float.isNaN(f)) assertThat(BFloat16.fromFloat(f)).isEqualTo((short) bits);
        }
    }

    @Test
    void f16RowsWidenEveryHalfExactly() {
        // all 65536 bit patterns, from an odd offset so both the vector loop and the scalar tail run
        java.lang.foreign.MemorySegment halves = java.lang.foreign.MemorySegment.ofArray(new byte[2 * 65536 + 2]);
        for (int h = 0; h < 65536; h++) LittleEndian.putI16(halves, 2 + 2L * h, h);
        float[] out = new float[65536 + 3];
        F16.dequantize(halves, 2, out, 3, 65536 - 5);
        for (int h = 0; h < 65536 - 5; h++) {
            assertThat(Float.floatToRawIntBits(out[3 + h])).as("half 0x%04x", h).isEqualTo(Float.floatToRawIntBits(Float.float16ToFloat((short) h)));
        }
    }
}
