package dev.jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeModelCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesAModelThatInfoReads() throws Exception {
        Path model = dir.resolve("smoke.gguf");
        CommandRun run = CommandRun.of("smoke-model", "-o", model.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo(model + "\n");
        CommandRun again = CommandRun.of("smoke-model", "-o", dir.resolve("again.gguf").toString(), "--seed", "42");
        assertThat(again.exitCode()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("again.gguf"))).isEqualTo(Files.readAllBytes(model));

        CommandRun info = CommandRun.of("info", model.toString());
        assertThat(info.out()).contains("\"jllm smoke-test model (random weights, not a language model)\"")
                .containsPattern("blk\\.1\\.ffn_down\\.weight +F32 +\\[128, 64] +32768");
    }
}
