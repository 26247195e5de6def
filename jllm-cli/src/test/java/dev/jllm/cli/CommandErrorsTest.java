package dev.jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** What the model-running commands say about bad input: one line naming the input, exit code 1, no stack trace. */
class CommandErrorsTest {

    private static void assertOneLineError(CommandRun run, String message) {
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("jllm: " + message + "\n");
        assertThat(run.out()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"generate", "logits", "chat"})
    void aMissingModelFileIsNamed(String command) {
        String missing = "/no/such/dir/model.gguf";
        CommandRun run = command.equals("chat") ? CommandRun.chat("Hello\n", "-m", missing)
                : CommandRun.of(command, "-m", missing, "-p", "Hello");
        assertOneLineError(run, "no such file: " + missing);
    }

    @ParameterizedTest
    @ValueSource(strings = {"generate", "logits"})
    void aContextLargerThanTheModelsIsRefused(String command) {
        CommandRun run = CommandRun.of(command, "-m", Stories260K.model().toString(), "-p", "Hello", "--ctx", "4096");
        assertOneLineError(run, "--ctx 4096 exceeds the model's context length 2048");
        assertOneLineError(CommandRun.chat("Hello\n", "-m", Stories260K.model().toString(), "-c", "2049"),
                "--ctx 2049 exceeds the model's context length 2048");
        assertOneLineError(CommandRun.of(command, "-m", Stories260K.model().toString(), "-p", "Hello", "--ctx", "-1"),
                "--ctx must not be negative, got -1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"generate", "logits"})
    void aPromptLongerThanTheContextIsRefusedBeforeAnyOutput(String command) {
        // "Once upon a time there was" is BOS and 6 tokens
        CommandRun run = CommandRun.of(command, "-m", Stories260K.model().toString(), "-p", "Once upon a time there was",
                "--ctx", "4");
        assertOneLineError(run, "the prompt is 7 tokens but the context holds 4 (raise --ctx, up to the model's context"
                + " length 2048)");
        // a prompt that just fits is fine
        CommandRun fits = CommandRun.of(command, "-m", Stories260K.model().toString(), "-p", "Once upon a time there was",
                "--ctx", "7");
        assertThat(fits.exitCode()).as(fits.err()).isZero();
    }

    @Test
    void anUnsupportedKvTypeIsAUsageErrorListingTheSupportedOnes() {
        CommandRun run = CommandRun.of("generate", "-m", Stories260K.model().toString(), "-p", "Hello", "--kv-type", "q4");
        assertThat(run.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(run.err()).startsWith("Invalid value for option '--kv-type': unknown KV-cache type 'q4' (supported: f32, f16, q8_0)\n")
                .contains("Usage: jllm generate").contains("supported: f32, f16, q8_0");
    }

    @Test
    void anUnknownChatTemplateNamesTheBuiltInOnes() {
        CommandRun run = CommandRun.chat("Hello\n", "-m", Stories260K.model().toString(), "--chat-template", "nope");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).containsPattern("jllm: unknown chat template name \"nope\"; built-in templates are .*chatml.*llama2")
                .doesNotContain("\tat ");
    }

    @Test
    void logitsTopMustBePositive() {
        assertOneLineError(CommandRun.of("logits", "-m", Stories260K.model().toString(), "-p", "Hi", "--top", "0"),
                "--top must be at least 1, got 0");
    }

    @Test
    void theExecutionHandlerPrintsJllmAndTheMessageOrTheExceptionWithoutOne() {
        CommandLine withFailure = Main.commandLine()
                .addSubcommand("fail-with", CommandSpec.wrapWithoutInspection((Runnable) () -> {
                    throw new IllegalStateException("what went wrong");
                }))
                .addSubcommand("fail-without", CommandSpec.wrapWithoutInspection((Runnable) () -> {
                    throw new IllegalStateException();
                }));
        StringWriter err = new StringWriter();
        withFailure.setErr(new PrintWriter(err, true));
        assertThat(withFailure.execute("fail-with")).isEqualTo(1);
        assertThat(withFailure.execute("fail-without")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("jllm: what went wrong\njllm: java.lang.IllegalStateException\n");
    }

    @Test
    void withoutASubcommandJllmPrintsItsUsage() {
        CommandRun run = CommandRun.of();
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: jllm").contains("generate", "chat", "logits", "smoke-model");
        assertThat(run.err()).isEmpty();
    }
}
