package dev.jllm.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.engine.model.Model;
import dev.jllm.engine.testing.SharedFiles;
import org.junit.jupiter.api.Test;

class ForwardPassTest {

    /**
     * llama.cpp pads every context to a multiple of 256 cells, so attention rows are that long whatever context was
     * asked for, and the way ggml groups positions into vector lanes does not change with it.
     */
    @Test
    void logitsDoNotDependOnTheCacheCapacity() {
        try (Model model = Model.load(SharedFiles.file("models/stories260K/stories260K.gguf"))) {
            ForwardPass small = new ForwardPass(model, new KvCache(model.config(), 100), 100);
            ForwardPass large = new ForwardPass(model, new KvCache(model.config(), 512), 512);
            int[] prompt = {1, 403, 407, 261, 378};
            assertThat(small.forward(prompt, 0)).containsExactly(large.forward(prompt, 0));
            // single tokens past position 64, where a 100-cell row would leave the last 36 out of ggml's vector lanes
            for (int pos = prompt.length; pos < 90; pos++) {
                int token = 300 + pos;
                assertThat(small.forward(new int[] {token}, pos)).as("position %d", pos).containsExactly(large.forward(new int[] {token}, pos));
            }
        }
    }
}
