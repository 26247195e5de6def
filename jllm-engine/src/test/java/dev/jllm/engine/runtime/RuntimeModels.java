package dev.jllm.engine.runtime;

import dev.jllm.engine.gguf.GgufFile;
import dev.jllm.engine.gguf.GgufReader;
import dev.jllm.engine.gguf.GgufValue;
import dev.jllm.engine.gguf.GgufWriter;
import dev.jllm.engine.model.LayerWeights;
import dev.jllm.engine.model.Model;
import dev.jllm.engine.quant.WeightMatrix;
import dev.jllm.engine.testing.SharedFiles;
import dev.jllm.engine.testing.SyntheticModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** The models the runtime tests run: a real tiny one, a synthetic quantized one, and a sliding-window copy. */
final class RuntimeModels {
    private RuntimeModels() {}

    /** stories260K: F32, 8 heads of 8 values, 4 KV heads. */
    static Path stories260K() {
        return SharedFiles.file("models/stories260K/stories260K.gguf");
    }

    /** The synthetic tiny preset (stories15M shape: 6 layers, 6 heads of 48) in Q8_0, context 256. */
    static Path tinyQ8_0() {
        return SyntheticModels.synthetic("--preset", "tiny", "--type", "Q8_0", "--seed", "42");
    }

    /**
     * A copy of a llama model declared as mistral with a sliding window of {@code window} tokens (llama.cpp's mistral
     * graph is llama's with the window).
     */
    static Path withSlidingWindow(Path llama, int window, Path dir) {
        Path copy = dir.resolve("window" + window + "-" + llama.getFileName());
        try (GgufFile f = GgufReader.open(llama)) {
            GgufWriter w = GgufWriter.copyOf(f).put("general.architecture", GgufValue.string("mistral"));
            for (Map.Entry<String, GgufValue> e : f.metadata().entrySet()) {
                if (e.getKey().startsWith("llama.")) w.put("mistral." + e.getKey().substring("llama.".length()), e.getValue());
            }
            w.put("mistral.attention.sliding_window", GgufValue.uint32(window)).write(copy);
        }
        return copy;
    }

    /** {@code n} token ids drawn from [1, vocab) with a fixed seed. */
    static int[] randomTokens(int n, int vocab, long seed) {
        return new SplittableRandom(seed).ints(n, 1, vocab).toArray();
    }

    /**
     * Whether every weight matrix of {@code model} gives a vector the same bits alone ({@code matVec}) as in a batch
     * ({@code matMul}), as the numerics contract asks of the matrix kernels. Where they do not, a sequence's logits
     * depend on how its tokens are batched whatever the attention does, so the end-to-end bit-identity tests wait
     * for them.
     */
    static boolean matrixKernelsAreBatchInvariant(Model model) {
        List<WeightMatrix> matrices = new ArrayList<>(List.of(model.weights().output()));
        for (LayerWeights l : model.weights().layers()) {
            matrices.addAll(List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.ffnGate(), l.ffnUp(), l.ffnDown()));
        }
        SplittableRandom random = new SplittableRandom(11);
        for (WeightMatrix m : matrices) {
            int n = 3;
            float[] x = new float[n * m.cols()];
            for (int i = 0; i < x.length; i++) x[i] = (float) random.nextDouble(-1, 1);
            float[] batch = new float[n * m.rows()], alone = new float[m.rows()];
            m.matMul(x, n, batch);
            for (int v = 0; v < n; v++) {
                m.matVec(x, v * m.cols(), alone, 0);
                if (!Arrays.equals(alone, 0, m.rows(), batch, v * m.rows(), (v + 1) * m.rows())) return false;
            }
        }
        return true;
    }
}
