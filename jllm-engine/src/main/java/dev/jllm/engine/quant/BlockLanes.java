package dev.jllm.engine.quant;

/**
 * The float order of ggml's AVX2 dot products for the 32-value block types against Q8_0/Q8_1 activations
 * (ggml_vec_dot_q4_0_q8_0, _q4_1_q8_1, _q5_0_q8_0, _q5_1_q8_1, _q8_0_q8_0, and llamafile's tinyBLAS_Q0_AVX, whose
 * per-element order is the same): float lane t of eight accumulates by FMA the block scale times the exact integer
 * sum of the products of values 4t .. 4t+3 (what mul_sum_i8_pairs_float yields), and hsum_float_8 reduces the lanes.
 */
final class BlockLanes {
    /** Values per block. */
    static final int BLOCK_SIZE = 32;

    private final float[] acc = new float[8];
    /** The current block's weight values (quants, after offsets), filled by the caller. */
    final int[] values = new int[32];

    /** acc[t] = fma(scale, Σ values[4t..4t+3] · x[xo + 4t ..], acc[t]) for the 32 values of one block. */
    void add(byte[] x, int xo, float scale) {
        int[] v = values;
        for (int t = 0; t < 8; t++) {
            int j = 4 * t;
            int s = v[j] * x[xo + j] + v[j + 1] * x[xo + j + 1] + v[j + 2] * x[xo + j + 2] + v[j + 3] * x[xo + j + 3];
            acc[t] = Math.fma(scale, (float) s, acc[t]);
        }
    }

    float sum() {
        return GgmlFloat.hsum8(acc, 0);
    }
}
