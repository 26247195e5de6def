package dev.jllm.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.engine.gguf.GgmlType;
import dev.jllm.engine.model.LayerWeights;
import dev.jllm.engine.model.ModelWeights;
import dev.jllm.engine.quant.WeightMatrix;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

class DecodeTrafficTest {
    private static final int DIM = 256;
    private static final int KV = 64;
    private static final int FFN = 512;
    private static final int VOCAB = 1000;

    private static WeightMatrix matrix(Arena arena, String name, GgmlType type, int rows, int cols) {
        return WeightMatrix.of(name, type, rows, cols, arena.allocate((long) rows * cols / type.blockSize * type.typeSize));
    }

    private static LayerWeights layer(Arena arena, GgmlType type) {
        return new LayerWeights(null, matrix(arena, "q", type, DIM, DIM), matrix(arena, "k", type, KV, DIM),
                matrix(arena, "v", type, KV, DIM), matrix(arena, "o", type, DIM, DIM), null, null, null, null, null, null,
                matrix(arena, "gate", type, FFN, DIM), matrix(arena, "up", type, FFN, DIM), matrix(arena, "down", type, DIM, FFN));
    }

    /** Weights per layer: q and o DIM x DIM, k and v KV x DIM, three FFN x DIM. */
    private static final long LAYER_VALUES = 2L * DIM * DIM + 2L * KV * DIM + 3L * FFN * DIM;

    @Test
    void aStepReadsEveryLayerMatrixAndTheOutputHeadButNotTheEmbeddings() {
        try (Arena arena = Arena.ofConfined()) {
            WeightMatrix embeddings = matrix(arena, "token_embd", GgmlType.Q4_0, VOCAB, DIM);
            WeightMatrix output = matrix(arena, "output", GgmlType.Q6_K, VOCAB, DIM);
            LayerWeights[] layers = {layer(arena, GgmlType.Q4_0), layer(arena, GgmlType.Q4_0), layer(arena, GgmlType.Q4_0)};
            DecodeTraffic traffic = DecodeTraffic.of(new ModelWeights(embeddings, layers, null, output, null));
            // Q4_0: 18 bytes per 32 values; Q6_K: 210 bytes per 256
            long expected = 3 * LAYER_VALUES / 32 * 18 + (long) VOCAB * DIM / 256 * 210;
            assertThat(traffic.bytesPerToken()).isEqualTo(expected);
            assertThat(traffic.type()).as("most bytes are Q4_0, though the head is Q6_K").isEqualTo(GgmlType.Q4_0);
        }
    }

    @Test
    void tiedEmbeddingsCountOnceAsTheOutputHead() {
        try (Arena arena = Arena.ofConfined()) {
            WeightMatrix embeddings = matrix(arena, "token_embd", GgmlType.Q8_0, VOCAB * 40, DIM);
            LayerWeights[] layers = {layer(arena, GgmlType.F16)};
            DecodeTraffic traffic = DecodeTraffic.of(new ModelWeights(embeddings, layers, null, embeddings, null));
            long head = 40L * VOCAB * DIM / 32 * 34;
            assertThat(traffic.bytesPerToken()).isEqualTo(LAYER_VALUES * 2 + head);
            assertThat(head).isGreaterThan(LAYER_VALUES * 2);
            assertThat(traffic.type()).isEqualTo(GgmlType.Q8_0);
        }
    }
}
