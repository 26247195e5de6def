package dev.jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.cli.hub.FakeHub;
import dev.jllm.engine.model.SmokeTestModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PullCommandTest {
    @TempDir
    Path dir;

    @Test
    void pullsIntoTheCacheAndPrintsThePath() throws Exception {
        Path model = dir.resolve("model.gguf");
        SmokeTestModel.write(model, 1);
        byte[] bytes = Files.readAllBytes(model);
        Path cache = dir.resolve("cache");
        try (FakeHub hub = new FakeHub().file("jllm/smoke-GGUF", "smoke-F32.gguf", bytes)) {
            CommandRun run = CommandRun.of("pull", "--endpoint", hub.endpoint().toString(), "--cache-dir", cache.toString(), "jllm/smoke-GGUF");
            assertThat(run.exitCode()).as(run.err()).isZero();
            Path pulled = cache.resolve("models/jllm/smoke-GGUF/smoke-F32.gguf");
            assertThat(run.out()).isEqualTo(pulled + "\n");
            assertThat(run.err()).contains("downloading jllm/smoke-GGUF/smoke-F32.gguf").contains("100%");
            assertThat(Files.readAllBytes(pulled)).isEqualTo(bytes);

            CommandRun missing = CommandRun.of("pull", "--endpoint", hub.endpoint().toString(), "--cache-dir", cache.toString(), "jllm/absent");
            assertThat(missing.exitCode()).isEqualTo(1);
            assertThat(missing.err()).startsWith("jllm: repository jllm/absent was not found on " + hub.endpoint());
        }
    }

    @Test
    void refusesWhatIsNotAReference() {
        CommandRun run = CommandRun.of("pull", "not-a-repo");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("jllm: 'not-a-repo' is not a Hugging Face reference: write owner/repo, owner/repo:QUANT or owner/repo:FILE.gguf\n");
    }
}
