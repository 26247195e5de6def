package dev.jllm.engine.quant;

import java.lang.foreign.MemorySegment;

/**
 * One weight row of a 32-value block type decoded once for several activation vectors: the values as shorts in the
 * block order of {@link Activations#quantPairs}, one scale per block, and for types with a minimum (Q4_1, Q5_1) one
 * minimum per block. Buffers are per thread and reused.
 */
final class DecodedRow {
    private static final ThreadLocal<DecodedRow> PER_THREAD = ThreadLocal.withInitial(DecodedRow::new);

    short[] values = new short[0];
    float[] scales = new float[0];
    float[] mins = new float[0];
    boolean hasMins;
    /** The final accumulator lanes of {@link BlockLanesVector#multiply2}, summed from here without boxing vectors. */
    final float[] lanes = new float[16];
    /** Whether the lane sums may exceed 16 bits (Q8_0), see {@link BlockLanesVector#laneSums}. */
    boolean wideSums;

    /** This thread's row, sized for {@code cols} values. */
    static DecodedRow forThread(int cols) {
        DecodedRow row = PER_THREAD.get();
        if (row.values.length < cols) {
            row.values = new short[cols];
            row.scales = new float[cols / BlockLanes.BLOCK_SIZE];
            row.mins = new float[cols / BlockLanes.BLOCK_SIZE];
        }
        return row;
    }

    /** Decodes {@code count} values of a stored row into a {@link DecodedRow}. */
    @FunctionalInterface
    interface Decoder {
        void decode(MemorySegment w, long offset, int count, DecodedRow into);
    }
}
