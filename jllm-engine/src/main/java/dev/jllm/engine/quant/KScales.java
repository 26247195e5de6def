package dev.jllm.engine.quant;

/** The packed 6-bit sub-block scales of the K-quants (12 bytes per super-block). */
final class KScales {
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
    static int scaleQ3(byte[] s, int at, int j) {
        int low = j < 8 ? s[at + j] & 0xF : (s[at + j - 8] & 0xFF) >>> 4;
        int high = ((s[at + 8 + j % 4] & 0xFF) >>> (2 * (j / 4))) & 3;
        return (low | high << 4) - 32;
    }
}
