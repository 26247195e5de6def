package dev.jllm.engine.runtime;

import dev.jllm.engine.gguf.GgufFile;
import dev.jllm.engine.gguf.GgufReader;
import dev.jllm.engine.gguf.GgufValue;
import dev.jllm.engine.gguf.GgufWriter;
import dev.jllm.engine.testing.SharedFiles;
import dev.jllm.engine.testing.SyntheticModels;
import java.nio.file.Path;
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
}
