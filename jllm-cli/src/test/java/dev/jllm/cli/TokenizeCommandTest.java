package dev.jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `jllm tokenize` on llama.cpp's vocabulary-only files, against llama.cpp's own results (golden/llama-spm-vocab-tokenizer.json). */
class TokenizeCommandTest {

    private static Path vocab(String name) {
        String shared = System.getenv("JLLM_SHARED");
        Path p = Path.of(shared == null ? "../shared" : shared, "models", "vocab", "ggml-vocab-" + name + ".gguf");
        if (!Files.exists(p)) {
            if (System.getenv("CI") != null) throw new AssertionError("missing shared test file " + p);
            Assumptions.abort("missing shared test file " + p);
        }
        return p;
    }

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        java.io.StringWriter err = new java.io.StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            CommandLine cmd = new CommandLine(new Main()).setErr(new java.io.PrintWriter(err, true))
                    .setExecutionExceptionHandler((ex, c, parsed) -> {
                        c.getErr().println("jllm: " + ex.getMessage());
                        return 1;
                    });
            int code = cmd.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(oldOut);
        }
    }

    @Test
    void jsonIdsAddBosAndReadSpecialTextAsPlainText() {
        String model = vocab("llama-spm").toString();
        // llama.cpp: ids of "Hello world" are [1, 15043, 3186]; "<s> literal ..." starts [1, 529, 29879, 29958, ...]
        assertThat(run("tokenize", "-m", model, "--json", "Hello world").out()).isEqualTo("{\"ids\":[1,15043,3186]}\n");
        assertThat(run("tokenize", "-m", model, "--json", "--no-bos", "Hello world").out()).isEqualTo("{\"ids\":[15043,3186]}\n");
        assertThat(run("tokenize", "-m", model, "--json", "<s>").out()).startsWith("{\"ids\":[1,529,29879,29958");
        assertThat(run("tokenize", "-m", model, "--json", "--parse-special", "<s>").out()).isEqualTo("{\"ids\":[1,1]}\n");
    }

    @Test
    void linesShowIdAndExactPiece() {
        Run r = run("tokenize", "-m", vocab("llama-spm").toString(), "Hello world");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo("     1 -> '<s>'\n 15043 -> ' Hello'\n  3186 -> ' world'\n");
    }

    @Test
    void byteLevelVocabularyWithoutBosByDefault() {
        // GPT-2 adds no BOS (no add_bos_token key, pre-tokenizer gpt-2)
        assertThat(run("tokenize", "-m", vocab("gpt-2").toString(), "--json", "Hello world").out()).isEqualTo("{\"ids\":[15496,995]}\n");
    }

    @Test
    void missingFileIsAClearError() {
        Run r = run("tokenize", "-m", "/nonexistent/model.gguf", "x");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("/nonexistent/model.gguf");
    }
}
