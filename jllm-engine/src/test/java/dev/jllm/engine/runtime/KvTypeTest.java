package dev.jllm.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jllm.engine.quant.Q8_0;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Rows written and read back in parts, against each type's rounding: exact, F16 rounding, ggml's Q8_0. */
class KvTypeTest {
    static final int KV_DIM = 96, ROWS = 3;

    @ParameterizedTest
    @EnumSource(KvType.class)
    void slicesOfRowsReadBackAsTheTypeRoundsThem(KvType type) {
        SplittableRandom random = new SplittableRandom(3);
        long rowBytes = type.rowBytes(KV_DIM);
        MemorySegment rows = Arena.ofAuto().allocate(ROWS * rowBytes);
        float[] values = new float[ROWS * KV_DIM];
        for (int i = 0; i < values.length; i++) values[i] = (float) random.nextGaussian() * 3;
        for (int r = 0; r < ROWS; r++) type.write(values, r * KV_DIM, KV_DIM, rows, r * rowBytes);
        float[] expected = rounded(type, values);
        // slices that start and end inside Q8_0 blocks and span a block border
        for (int[] slice : new int[][] {{0, KV_DIM}, {40, 48}, {8, 8}, {31, 2}}) {
            int from = slice[0], count = slice[1];
            float[] read = new float[ROWS * count];
            type.read(rows, 0, rowBytes, ROWS, from, count, read);
            for (int r = 0; r < ROWS; r++) {
                assertThat(Arrays.copyOfRange(read, r * count, (r + 1) * count)).as("%s row %d values %d..", type, r, from)
                        .containsExactly(Arrays.copyOfRange(expected, r * KV_DIM + from, r * KV_DIM + from + count));
            }
        }
    }

    /** What a row of {@code type} holds: the values themselves, their F16 roundings, or ggml's Q8_0 round trip. */
    static float[] rounded(KvType type, float[] values) {
        float[] out = new float[values.length];
        switch (type) {
            case F32 -> System.arraycopy(values, 0, out, 0, values.length);
            case F16 -> {
                for (int i = 0; i < values.length; i++) out[i] = Float.float16ToFloat(Float.floatToFloat16(values[i]));
            }
            case Q8_0 -> {
                MemorySegment q = Arena.ofAuto().allocate(values.length / Q8_0.BLOCK_SIZE * Q8_0.BLOCK_BYTES);
                Q8_0.quantize(values, 0, q, 0, values.length);
                Q8_0.dequantize(q, 0, out, 0, values.length);
            }
        }
        return out;
    }

    @Test
    void rowSizesAndNames() {
        assertThat(KvType.F32.rowBytes(288)).isEqualTo(1152);
        assertThat(KvType.F16.rowBytes(288)).isEqualTo(576);
        assertThat(KvType.Q8_0.rowBytes(288)).isEqualTo(9 * 34);
        assertThatThrownBy(() -> KvType.Q8_0.rowBytes(48))
                .hasMessage("a q8_0 KV cache needs rows of a multiple of 32 values, but this model's KV rows hold 48 (use --kv-type f16 or f32)");
        assertThat(KvType.parse("q8_0")).isEqualTo(KvType.Q8_0);
        assertThat(KvType.parse("F16")).isEqualTo(KvType.F16);
        assertThatThrownBy(() -> KvType.parse("q4_0")).hasMessage("unknown KV-cache type 'q4_0' (supported: f32, f16, q8_0)");
    }
}
