package dev.jllm.engine.quant;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link BlockLanes}' order with the Vector API, bit for bit. A block's 32 weight values are "packed": int lane t of
 * eight holds values 4t .. 4t+3 as signed bytes 0 .. 3. The lane's integer sum Σ_k value(4t + k) · x(4t + k) is
 * computed exactly with 16-bit products (the activation quants are kept paired to match, {@link
 * Activations#quantPairs}), so converting it to float, one FMA with the block scale and the final {@link
 * GgmlFloat#hsum8} do exactly BlockLanes' float operations.
 */
final class BlockLanesVector {
    private BlockLanesVector() {}

    static final VectorSpecies<Float> F8 = GgmlFloat.F8;
    static final VectorSpecies<Integer> I8 = IntVector.SPECIES_256;
    private static final VectorSpecies<Integer> I4 = IntVector.SPECIES_128;
    private static final VectorSpecies<Short> S16 = ShortVector.SPECIES_256;
    /** Lanes 0..3 and 4..7 both get the four words of a 16-byte load. */
    private static final VectorShuffle<Integer> BOTH_HALVES = VectorShuffle.fromValues(I8, 0, 1, 2, 3, 0, 1, 2, 3);
    /** Lanes 0..3 take the low nibbles (values 0..15), lanes 4..7 the high ones (values 16..31). */
    private static final IntVector NIBBLE_SHIFT = IntVector.fromArray(I8, new int[] {0, 0, 0, 0, 4, 4, 4, 4}, 0);
    /** Lane t takes bits 4t .. 4t+3 of a 32-bit word of fifth bits. */
    private static final IntVector FIFTH_BIT_SHIFT = IntVector.fromArray(I8, new int[] {0, 4, 8, 12, 16, 20, 24, 28}, 0);
    /** Multiplying a 4-bit number by this puts its bit i at bit 4 of byte i (no two partial products overlap). */
    private static final int SPREAD_TO_BIT_4 = 0x00204081 << 4;

    /** The quants of a block of 16 nibble bytes at {@code o} (value j in byte j's low nibble, j + 16 in its high nibble), packed. */
    static IntVector nibbles(MemorySegment w, long o) {
        IntVector words = IntVector.fromMemorySegment(I4, w, o, ByteOrder.LITTLE_ENDIAN).reinterpretShape(I8, 0).reinterpretAsInts();
        return words.rearrange(BOTH_HALVES).lanewise(VectorOperators.LSHR, NIBBLE_SHIFT).and(0x0F0F0F0F);
    }

    /** {@link #nibbles} with bit j of {@code qh} added as bit 4 of value j (Q5_0, Q5_1). */
    static IntVector nibblesWithFifthBits(MemorySegment w, long o, int qh) {
        IntVector fifth = IntVector.broadcast(I8, qh).lanewise(VectorOperators.LSHR, FIFTH_BIT_SHIFT).and(0xF).mul(SPREAD_TO_BIT_4);
        return nibbles(w, o).or(fifth.and(0x10101010));
    }

    /** 32 signed bytes at {@code o}, packed (Q8_0). */
    static IntVector bytes(MemorySegment w, long o) {
        return IntVector.fromMemorySegment(I8, w, o, ByteOrder.LITTLE_ENDIAN);
    }

    /** Every packed value minus {@code offset}, as signed bytes (the values must stay within -128 .. 127). */
    static IntVector minus(IntVector packed, int offset) {
        return packed.reinterpretAsBytes().sub((byte) offset).reinterpretAsInts();
    }

    /** Bytes 0 and 2 of every packed lane, sign-extended: short lane 2t holds value 4t, lane 2t + 1 value 4t + 2. */
    static ShortVector evens(IntVector packed) {
        return packed.reinterpretAsShorts().lanewise(VectorOperators.LSHL, 8).lanewise(VectorOperators.ASHR, 8);
    }

    /** Bytes 1 and 3 of every packed lane, sign-extended: short lane 2t holds value 4t + 1, lane 2t + 1 value 4t + 3. */
    static ShortVector odds(IntVector packed) {
        return packed.reinterpretAsShorts().lanewise(VectorOperators.ASHR, 8);
    }

    /**
     * The eight lane sums Σ_k value(4t + k) · x(4t + k), exact: the 16-bit products of evens and odds with the
     * activation pairs from {@code xi} (each sum of two products fits 16 bits: |value| <= 128, |x| <= 127), then the
     * two halves of every int lane added. {@code wide} when the lane sum itself may not fit 16 bits (8-bit weights);
     * otherwise the halves are added by one shift-add (the low half's carry cancels in the arithmetic shift).
     */
    static IntVector laneSums(ShortVector evens, ShortVector odds, short[] xPairs, int xi, boolean wide) {
        ShortVector products = evens.mul(ShortVector.fromArray(S16, xPairs, xi)).add(odds.mul(ShortVector.fromArray(S16, xPairs, xi + 16)));
        IntVector pairs = products.reinterpretAsInts();
        if (wide) return pairs.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(pairs.lanewise(VectorOperators.ASHR, 16));
        return pairs.add(pairs.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16);
    }

    /** BlockLanes.add: acc[t] = fma(scale, lane sum t, acc[t]) for one packed block and the activation pairs from {@code xi}. */
    static FloatVector add(IntVector packed, short[] xPairs, int xi, float scale, FloatVector acc, boolean wide) {
        return toFloats(laneSums(evens(packed), odds(packed), xPairs, xi, wide)).fma(FloatVector.broadcast(F8, scale), acc);
    }

    /** The packed quants of the block at byte {@code o} of {@code w} (a 32-value block type with no mins). */
    @FunctionalInterface
    interface PackedQuants {
        IntVector of(MemorySegment w, long o);
    }

    /**
     * BlockLanes' dot product of {@code count} values of a row whose blocks ({@code blockBytes} each) start with an fp16
     * scale, with the Q8_0 activations from element {@code xElement}: the vector kernel of Q4_0, Q5_0 and Q8_0.
     */
    static float dot(MemorySegment w, long offset, int blockBytes, PackedQuants quants, boolean wide, Activations x, int xElement, int count) {
        FloatVector acc = FloatVector.zero(F8);
        int xBlock = xElement / BlockLanes.BLOCK_SIZE;
        for (int b = 0; b < count / BlockLanes.BLOCK_SIZE; b++) {
            long o = offset + (long) b * blockBytes;
            acc = add(quants.of(w, o), x.quantPairs, xElement + b * BlockLanes.BLOCK_SIZE, LittleEndian.f16(w, o) * x.scales[xBlock + b], acc, wide);
        }
        return GgmlFloat.hsum8(acc);
    }

    /** Stores a packed block's evens then odds (the order of {@link Activations#quantPairs}). */
    static void store(IntVector packed, short[] dst, int o) {
        evens(packed).intoArray(dst, o);
        odds(packed).intoArray(dst, o + 16);
    }

    /**
     * {@link RowKernel.RowBatch} for the 32-value block types: decodes the row, then runs {@link #multiply2} over the
     * vectors in pairs; an odd last vector is paired with the one before it (n >= 2).
     */
    static void multiply(DecodedRow.Decoder decoder, MemorySegment w, long offset, int count, Activations x, int first, int end,
            float[] out, int o, int outStride) {
        DecodedRow row = DecodedRow.forThread(count);
        decoder.decode(w, offset, count, row);
        for (int v = first; v < end; v += 2) {
            int pair = Math.min(v, end - 2);
            multiply2(row, count, x, pair * count, out, o + pair * outStride, outStride);
        }
    }

    /**
     * One decoded row times the two activation vectors that start at elements {@code xElement} and {@code xElement +
     * cols}: {@code out[o]} and {@code out[o + outStride]} = the BlockLanes dot products, plus the min terms (FMA
     * chain of row mins times Q8_1 block sums, added after the lane sum) when the row has mins. Two vectors per call
     * keep the compiled loop within C2's inlining budget, so that no vector is ever boxed.
     */
    static void multiply2(DecodedRow row, int cols, Activations x, int xElement, float[] out, int o, int outStride) {
        short[] w = row.values;
        float[] d = row.scales, m = row.mins;
        boolean hasMins = row.hasMins, wide = row.wideSums;
        short[] xp = x.quantPairs;
        float[] xs = x.scales, xsum = x.blockSums;
        int blocks = cols / BlockLanes.BLOCK_SIZE;
        int xb0 = xElement / BlockLanes.BLOCK_SIZE, xb1 = xb0 + blocks;
        FloatVector a0 = FloatVector.zero(F8), a1 = a0;
        float m0 = 0, m1 = 0;
        for (int b = 0; b < blocks; b++) {
            int wi = BlockLanes.BLOCK_SIZE * b;
            ShortVector evens = ShortVector.fromArray(S16, w, wi), odds = ShortVector.fromArray(S16, w, wi + 16);
            float dw = d[b];
            int xi = xElement + wi;
            a0 = toFloats(laneSums(evens, odds, xp, xi, wide)).fma(FloatVector.broadcast(F8, dw * xs[xb0 + b]), a0);
            a1 = toFloats(laneSums(evens, odds, xp, xi + cols, wide)).fma(FloatVector.broadcast(F8, dw * xs[xb1 + b]), a1);
            if (hasMins) {
                m0 = Math.fma(m[b], xsum[xb0 + b], m0);
                m1 = Math.fma(m[b], xsum[xb1 + b], m1);
            }
        }
        float[] lanes = row.lanes;
        a0.intoArray(lanes, 0);
        a1.intoArray(lanes, 8);
        out[o] = hasMins ? GgmlFloat.hsum8(lanes, 0) + m0 : GgmlFloat.hsum8(lanes, 0);
        out[o + outStride] = hasMins ? GgmlFloat.hsum8(lanes, 8) + m1 : GgmlFloat.hsum8(lanes, 8);
    }

    /** Ints to floats (exact: lane sums stay far below 2^24). */
    private static FloatVector toFloats(IntVector v) {
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
    }
}
