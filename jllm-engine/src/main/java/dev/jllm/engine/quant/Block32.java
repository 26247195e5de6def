package dev.jllm.engine.quant;

import static dev.jllm.engine.quant.LittleEndian.f16;

import java.lang.foreign.MemorySegment;

/**
 * The layout the 32-value block types share (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1): each block of {@code blockBytes}
 * starts with an fp16 scale d, followed, when {@code withMins}, by an fp16 minimum m; value = q * d (+ m). The
 * type says how to read a block's quants; this gives the reference dequantizer and dot product from that. The
 * vector kernels stay with each type, so that their loops stay monomorphic.
 */
record Block32(String type, int blockBytes, boolean withMins, Quants quants) {
    static final int BLOCK_SIZE = 32;

    /** Reads the 32 quants of the block at {@code o}, offsets applied (the q of value = q * d), into {@code values}. */
    @FunctionalInterface
    interface Quants {
        void read(MemorySegment w, long o, int[] values);
    }

    /** ggml's {@code dequantize_row_*}: value = q * d, or q * d + m. */
    void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        int blocks = Blocks.count(count, BLOCK_SIZE, type);
        int[] values = new int[BLOCK_SIZE];
        for (int b = 0; b < blocks; b++) {
            long o = offset + (long) b * blockBytes;
            float d = f16(src, o);
            int y = dstOffset + b * BLOCK_SIZE;
            quants.read(src, o, values);
            if (withMins) {
                float m = f16(src, o + 2);
                for (int j = 0; j < BLOCK_SIZE; j++) dst[y + j] = values[j] * d + m;
            } else {
                for (int j = 0; j < BLOCK_SIZE; j++) dst[y + j] = values[j] * d;
            }
        }
    }

    /**
     * The reference for the types' {@code dot}: the quant products in {@link BlockLanes}' order, spelled out value by
     * value, plus with minimums the terms m·s summed by an FMA chain (ggml_vec_dot_q4_1_q8_1, _q5_1_q8_1).
     */
    float dotScalar(MemorySegment w, long offset, Activations x, int xElement, int count) {
        BlockLanes lanes = new BlockLanes();
        int xBlock = xElement / BLOCK_SIZE;
        float minTerms = 0;
        for (int b = 0; b < count / BLOCK_SIZE; b++) {
            long o = offset + (long) b * blockBytes;
            if (withMins) minTerms = Math.fma(f16(w, o + 2), x.blockSums[xBlock + b], minTerms);
            quants.read(w, o, lanes.values);
            lanes.add(x.quants, xElement + b * BLOCK_SIZE, f16(w, o) * x.scales[xBlock + b]);
        }
        return withMins ? lanes.sum() + minTerms : lanes.sum();
    }
}
