package dev.jllm.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.engine.gguf.GgmlType;
import dev.jllm.engine.model.SyntheticWeights;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * ggml's reference quantizers: hand-worked blocks, agreement with the independent numpy port in
 * gen_synthetic_gguf.py, and properties (bounded error, idempotence). Byte-exactness against llama-quantize output
 * for F16, BF16, Q4_1, Q5_0, Q5_1 and the K-quants is in {@link MicroModelTensorsTest}.
 */
class ReferenceQuantizerTest {
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static float[] block(int size, float... head) {
        return Arrays.copyOf(head, size);
    }

    private static int u8(MemorySegment s, long at) {
        return s.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
    }

    private static float f16(MemorySegment s, long at) {
        return Float.float16ToFloat(s.get(SHORT, at));
    }

    // ---- hand-worked blocks

    @Test
    void q8_0RoundsHalfAwayFromZero() {
        // amax 127 gives d = 1 and id = 1, so q = roundf(x)
        MemorySegment s = Formats.quantize(GgmlType.Q8_0, block(32, 127, 2.5f, -2.5f, 0.5f, -0.5f, 1.4f));
        assertThat(f16(s, 0)).isEqualTo(1f);
        byte[] q = s.asSlice(2, 6).toArray(ValueLayout.JAVA_BYTE);
        assertThat(q).containsExactly(127, 3, -3, 1, -1, 1);
    }

    @Test
    void q4_0MapsTheLargestMagnitudeToQuantZero() {
        // largest magnitude -8 (first of the two 8s) gives d = -8 / -8 = 1: q = min(15, trunc(x + 8.5))
        MemorySegment s = Formats.quantize(GgmlType.Q4_0, block(32, -8, 7, 8, 0.5f, 0.49f));
        assertThat(f16(s, 0)).isEqualTo(1f);
        // value j in the low nibble of byte j, value j + 16 (all 0 -> quant 8) in the high nibble
        assertThat(new int[] {u8(s, 2), u8(s, 3), u8(s, 4), u8(s, 5), u8(s, 6), u8(s, 7)})
                .containsExactly(0x80, 0x8F, 0x8F, 0x89, 0x88, 0x88);
        // largest magnitude +8 first gives d = -1
        MemorySegment t = Formats.quantize(GgmlType.Q4_0, block(32, 8, -8));
        assertThat(f16(t, 0)).isEqualTo(-1f);
        assertThat(new int[] {u8(t, 2), u8(t, 3)}).containsExactly(0x80, 0x8F);
    }

    @Test
    void q4_1StoresTheMinimumAndRoundsHalfUp() {
        // min 0, max 15: d = 1, q = min(15, trunc(x + 0.5))
        MemorySegment s = Formats.quantize(GgmlType.Q4_1, block(32, 0, 15, 7.5f, 7.4f, 2));
        assertThat(new float[] {f16(s, 0), f16(s, 2)}).containsExactly(1f, 0f);
        assertThat(new int[] {u8(s, 4), u8(s, 5), u8(s, 6), u8(s, 7), u8(s, 8)}).containsExactly(0x00, 0x0F, 0x08, 0x07, 0x02);
    }

    @Test
    void q5_0PutsTheFifthBitsInTheirOwnWord() {
        // largest magnitude -16 gives d = 1: q = min(31, trunc(x + 16.5)); zeros become 16 (low nibble 0, fifth bit 1)
        MemorySegment s = Formats.quantize(GgmlType.Q5_0, block(32, -16, 15, 16, 0.5f));
        assertThat(f16(s, 0)).isEqualTo(1f);
        int qh = s.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 2);
        // quants 0, 31, 31, 17, then 16s: fifth bits set for all values but value 0
        assertThat(Integer.toBinaryString(qh)).isEqualTo("11111111111111111111111111111110");
        assertThat(new int[] {u8(s, 6), u8(s, 7), u8(s, 8), u8(s, 9), u8(s, 10)}).containsExactly(0x00, 0x0F, 0x0F, 0x01, 0x00);
    }

    @Test
    void q5_1RoundsHalfUp() {
        MemorySegment s = Formats.quantize(GgmlType.Q5_1, block(32, 0, 31, 15.5f, 15.4f));
        assertThat(new float[] {f16(s, 0), f16(s, 2)}).containsExactly(1f, 0f);
        int qh = s.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4);
        assertThat(qh).isEqualTo(0b0110); // quants 0, 31, 16, 15
        assertThat(new int[] {u8(s, 8), u8(s, 9), u8(s, 10), u8(s, 11)}).containsExactly(0x00, 0x0F, 0x00, 0x0F);
    }

    @Test
    void q8_1StoresTheScaledSumOfItsQuants() {
        MemorySegment s = Formats.quantize(GgmlType.Q8_1, block(32, 127, 2.5f, -0.5f, 10));
        assertThat(f16(s, 0)).isEqualTo(1f);
        // quants 127, 3, -1, 10: s = 139 * 1
        assertThat(f16(s, 2)).isEqualTo(139f);
        assertThat(s.asSlice(4, 4).toArray(ValueLayout.JAVA_BYTE)).containsExactly(127, 3, -1, 10);
    }

    @Test
    void q8_KUsesMinus127OverTheLargestValueAndRoundsHalfToEven() {
        // largest magnitude -127: iscale = 1, q = nearest_int(x) (ties to even), d = 1
        MemorySegment s = Formats.quantize(GgmlType.Q8_K, block(256, -127, 63.5f, 62.5f, 1, 20));
        assertThat(s.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0)).isEqualTo(1f);
        assertThat(s.asSlice(4, 5).toArray(ValueLayout.JAVA_BYTE)).containsExactly(-127, 64, 62, 1, 20);
        assertThat(s.get(SHORT, 4 + 256)).as("sum of the first 16 quants").isEqualTo((short) 20);
        // largest +127: iscale = -1 and d = -1, so the quants flip sign
        MemorySegment t = Formats.quantize(GgmlType.Q8_K, block(256, 127, 2));
        assertThat(t.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0)).isEqualTo(-1f);
        assertThat(t.asSlice(4, 2).toArray(ValueLayout.JAVA_BYTE)).containsExactly(-127, -2);
    }

    @Test
    void allZeroBlocksQuantizeToZero() {
        for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q8_1, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0,
                GgmlType.Q5_1, GgmlType.Q8_K, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K}) {
            // compared as numbers: Q4_0 and Q5_0 give -0.0, since their d = 0 / -8 is negative zero in ggml too
            for (float v : Formats.roundTrip(type, new float[256])) assertThat(v == 0).as(type.name()).isTrue();
        }
    }

    // ---- agreement with gen_synthetic_gguf.py's numpy quantizers

    @Test
    void q8_0AndQ4_0AgreeWithTheGeneratorScriptsQuantizers() throws Exception {
        // sha256 of the script's quantize_q8_0 / quantize_q4_0 / float16 output for whole tensors of the seed-7 micro model
        String[][] expected = {
            {"blk.0.attn_q.weight", "Q8_0", "5b3e7cdd4db7177747d8039adde97f7b2fd9900df6392a0428db49183b8468b9"},
            {"blk.0.attn_q.weight", "Q4_0", "7551aa8879c2bd6d35cacf7e02b8b9c3d8807d74cbfdf4dbe6294a8673266662"},
            {"blk.0.attn_q.weight", "F16", "494c70aeae98a521593f922d41a3f53d82c251d3aaf677af6492e7de92a0f2b4"},
            {"token_embd.weight", "Q8_0", "2815e88c0ba81c5ee60eaf4869bda2a83783ad37fedde55bedd5a8f626c21ef1"},
            {"token_embd.weight", "Q4_0", "a1013212bf0da18b39979b2fac3c452633c639b0d83a93a398e43f6a1318a0a9"},
            {"token_embd.weight", "F16", "96ad7975c8db12781067965f337f8fdaebb00abaa7e491e27230e1159ae012ee"},
        };
        for (String[] e : expected) {
            int n = e[0].startsWith("token_embd") ? 256 * 1024 : 256 * 256;
            float[] x = SyntheticWeights.uniform(7, e[0], 0, n, SyntheticWeights.defaultStd(e[0], 256, 256));
            byte[] bytes = Formats.quantize(GgmlType.valueOf(e[1]), x).toArray(ValueLayout.JAVA_BYTE);
            String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            assertThat(digest).as("%s as %s", e[0], e[1]).isEqualTo(e[2]);
        }
    }

    // ---- properties

    /** Blocks of 256 values (whole blocks of every type) at scales where fp16 scales stay normal numbers. */
    @Provide
    Arbitrary<float[]> rows() {
        return rows(5);
    }

    /** Like {@link #rows()} without the rows of rare large outliers, which no fixed bit-width error bound covers. */
    @Provide
    Arbitrary<float[]> rowsWithoutOutliers() {
        return rows(4);
    }

    private static Arbitrary<float[]> rows(int shapes) {
        return Arbitraries.randomValue(random -> {
            double scale = Math.pow(10, -1.5 + 4.5 * random.nextDouble());
            float[] x = new float[256];
            int shape = random.nextInt(shapes);
            for (int i = 0; i < x.length; i++) {
                x[i] = switch (shape) {
                    case 0 -> (float) (random.nextGaussian() * scale);
                    case 1 -> (float) ((2 * random.nextDouble() - 1) * scale);
                    case 2 -> (float) (Math.abs(random.nextGaussian()) * scale); // all positive: nonzero minimum
                    case 3 -> (float) (Math.round(random.nextGaussian() * 8) * scale / 8); // many ties and repeats
                    default -> (float) (i % 37 == 0 ? 50 * scale : random.nextGaussian() * scale); // outliers
                };
            }
            return x;
        });
    }

    /**
     * Per-value error bounds derived from each format: half a quantization step (a whole step where the format
     * clamps the top quant), plus the fp16 rounding of scale and minimum (relative 2^-11).
     */
    @Property(tries = 200)
    void simpleFormatsStayWithinHalfAStepPlusScaleRounding(@ForAll("rows") float[] x) {
        double eps = Math.scalb(1.0, -11);
        for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q8_1, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0,
                GgmlType.Q5_1, GgmlType.Q8_K, GgmlType.F16, GgmlType.BF16}) {
            float[] y = Formats.roundTrip(type, x);
            int bs = Math.max(type.blockSize, 32);
            for (int b = 0; b < x.length / bs; b++) {
                double amax = 0;
                double min = Double.MAX_VALUE;
                double max = -Double.MAX_VALUE;
                for (int i = b * bs; i < (b + 1) * bs; i++) {
                    amax = Math.max(amax, Math.abs(x[i]));
                    min = Math.min(min, x[i]);
                    max = Math.max(max, x[i]);
                }
                for (int i = b * bs; i < (b + 1) * bs; i++) {
                    double bound = switch (type) {
                        case Q8_0, Q8_1 -> amax / 127 * (0.5 + 127 * eps);
                        case Q8_K -> amax / 127 * 0.5;
                        case Q4_0 -> amax / 8 * (1 + 8 * eps);
                        case Q5_0 -> amax / 16 * (1 + 16 * eps);
                        case Q4_1 -> (max - min) / 15 * (0.5 + 15 * eps) + Math.abs(min) * eps;
                        case Q5_1 -> (max - min) / 31 * (0.5 + 31 * eps) + Math.abs(min) * eps;
                        case F16 -> Math.max(Math.abs(x[i]) * eps, 0x1p-25);
                        case BF16 -> Math.abs(x[i]) * 0x1p-8;
                        default -> throw new IllegalStateException();
                    };
                    assertThat(Math.abs(y[i] - (double) x[i])).as("%s value %d: %s -> %s", type, i, x[i], y[i])
                            .isLessThanOrEqualTo(bound * (1 + 1e-5) + amax * 1e-7);
                }
            }
        }
    }

    /** K-quants fit scales by search, so no simple per-value bound: their relative RMS error stays within twice that of an ideal uniform quantizer of the same bit width. */
    @Property(tries = 100)
    void kQuantsStayNearTheirBitWidth(@ForAll("rowsWithoutOutliers") float[] x) {
        int[] bits = {2, 3, 4, 5, 6};
        GgmlType[] types = {GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K};
        for (int t = 0; t < types.length; t++) {
            float[] y = Formats.roundTrip(types[t], x);
            double err = 0;
            double norm = 0;
            for (int i = 0; i < x.length; i++) {
                err += (y[i] - (double) x[i]) * (y[i] - (double) x[i]);
                norm += x[i] * (double) x[i];
            }
            assertThat(Math.sqrt(err / norm)).as(types[t].name()).isLessThan(2 * Math.scalb(1.0, -bits[t]));
        }
    }

    /** Values a format produced are fixed points: quantizing them again gives the same bytes (Q8_1: same values). */
    @Property(tries = 200)
    void requantizingDequantizedValuesIsStable(@ForAll("rows") float[] x) {
        for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1,
                GgmlType.F16, GgmlType.BF16, GgmlType.Q8_1}) {
            MemorySegment first = Formats.quantize(type, x);
            float[] y = Formats.dequantize(type, first, x.length);
            MemorySegment second = Formats.quantize(type, y);
            if (type == GgmlType.Q8_1) {
                // s = fp16(Σq·d) is computed from the unrounded d, which differs between the passes
                assertThat(Formats.dequantize(type, second, x.length)).as(type.name()).containsExactly(y);
            } else {
                assertThat(second.mismatch(first)).as("first differing byte, %s", type).isEqualTo(-1L);
            }
        }
    }
}
