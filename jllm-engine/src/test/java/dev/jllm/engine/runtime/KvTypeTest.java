package dev.jllm.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jllm.engine.quant.Q8_0;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * KV rows written into a block and read back per head (keys transposed, values position after position), against each
 * type's rounding: exact, F16 rounding, ggml's Q8_0 quantizer and dequantizer.
 */
class KvTypeTest {
    static final int LAYERS = 2;

    /** 2 heads of 48: Q8_0 blocks of 32 span both heads; tiles read whole and in parts. */
    @ParameterizedTest(name = "{0}, block size {1}")
    @CsvSource({"F32, 16", "F16, 16", "Q8_0, 16", "F32, 5", "F16, 5", "Q8_0, 5"})
    void rowsReadBackPerHeadAsTheTypeRoundsThem(KvType type, int blockSize) {
        int kvHeads = 2, headDim = 48, kvDim = kvHeads * headDim;
        KvBlockLayout layout = new KvBlockLayout(type, blockSize, kvHeads, headDim);
        assertThat(layout.layerBytes()).isEqualTo(2 * blockSize * type.rowBytes(kvDim));
        MemorySegment block = Arena.ofAuto().allocate(LAYERS * layout.layerBytes());
        SplittableRandom random = new SplittableRandom(3);
        float[][][] keys = new float[LAYERS][blockSize][], values = new float[LAYERS][blockSize][];
        for (int l = 0; l < LAYERS; l++) {
            for (int slot = 0; slot < blockSize; slot++) {
                keys[l][slot] = randoms(kvDim, random);
                values[l][slot] = randoms(kvDim, random);
                layout.write(block, l, slot, keys[l][slot], 0, values[l][slot], 0);
            }
        }
        KvBlockLayout.Scratch raw = layout.newScratch();
        int stride = blockSize + 3;
        for (int l = 0; l < LAYERS; l++) {
            for (int h = 0; h < kvHeads; h++) {
                for (int[] range : new int[][] {{0, blockSize}, {1, blockSize - 2}, {blockSize - 1, 1}}) {
                    int slot = range[0], count = range[1];
                    float[] k = new float[headDim * stride], v = new float[count * headDim];
                    layout.readKeys(block, l, h, slot, count, k, stride, raw);
                    layout.readValues(block, l, h, slot, count, v, raw);
                    for (int j = 0; j < count; j++) {
                        float[] expectedK = rounded(type, keys[l][slot + j]), expectedV = rounded(type, values[l][slot + j]);
                        for (int d = 0; d < headDim; d++) {
                            assertThat(k[d * stride + j]).as("key layer %d head %d slot %d value %d", l, h, slot + j, d)
                                    .isEqualTo(expectedK[h * headDim + d]);
                            assertThat(v[j * headDim + d]).as("value layer %d head %d slot %d value %d", l, h, slot + j, d)
                                    .isEqualTo(expectedV[h * headDim + d]);
                        }
                    }
                }
            }
        }
        // a full tile read in one piece into a tile of its own width
        float[] whole = new float[headDim * blockSize];
        layout.readKeys(block, 1, 1, 0, blockSize, whole, blockSize, raw);
        assertThat(whole[(headDim - 1) * blockSize + blockSize - 1]).isEqualTo(rounded(type, keys[1][blockSize - 1])[2 * headDim - 1]);
    }

    static float[] randoms(int n, SplittableRandom random) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) random.nextGaussian() * 3;
        return x;
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
