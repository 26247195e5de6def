package dev.jllm.bench;

import dev.jllm.engine.gguf.GgmlType;
import dev.jllm.engine.model.SmokeTestModel;
import java.nio.file.Path;

/**
 * The model of the model-step benchmarks: {@link SmokeTestModel}'s recipe at dim 512, 4 layers, 8 heads (4 KV
 * heads), FFN 1536, every matrix in one type (quantized by ggml's reference quantizers), norms F32. Its ~12.6 M
 * weights are 50 MB in F32 and 7 MB in Q4_0: big enough that the matrices dominate a step, small enough to write in
 * a second or two.
 */
final class SyntheticModelFile {
    static final SmokeTestModel.Shape SHAPE = new SmokeTestModel.Shape(512, 4, 8, 4, 1536, 256);
    private static final long SEED = 7;

    private SyntheticModelFile() {}

    static void write(Path path, GgmlType type) {
        SmokeTestModel.writer(SHAPE, type, SEED).write(path);
    }
}
