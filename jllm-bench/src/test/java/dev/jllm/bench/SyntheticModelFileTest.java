package dev.jllm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.engine.gguf.GgmlType;
import dev.jllm.engine.model.Model;
import dev.jllm.engine.runtime.Session;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticModelFileTest {
    @Test
    void theBenchmarkModelLoadsAndRuns(@TempDir Path dir) {
        Path file = dir.resolve("bench.gguf");
        SyntheticModelFile.write(file, GgmlType.Q8_0);
        try (Model model = Model.load(file)) {
            assertThat(model.config().dim()).isEqualTo(SyntheticModelFile.SHAPE.dim());
            assertThat(model.config().layers()).isEqualTo(SyntheticModelFile.SHAPE.layers());
            assertThat(model.weights().layers()[0].ffnDown().type()).isEqualTo(GgmlType.Q8_0);
            float[] logits = new Session(model, 16).append(100);
            assertThat(logits).hasSize(model.config().vocabSize());
            for (float v : logits) assertThat(v).isFinite();
        }
    }
}
