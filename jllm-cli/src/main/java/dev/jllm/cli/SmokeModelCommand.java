package dev.jllm.cli;

import dev.jllm.engine.model.SmokeTestModel;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `jllm smoke-model -o PATH`: writes the small random-weight model that lets every command run offline. */
@Command(name = "smoke-model", mixinStandardHelpOptions = true,
        description = {"Write a small Llama-architecture GGUF with random weights (about 0.5 MB),",
        "so that jllm's commands can be tried without downloading a model. It produces noise, not language."})
final class SmokeModelCommand implements Callable<Integer> {
    @Option(names = {"-o", "--output"}, required = true, paramLabel = "PATH", description = "the GGUF file to write")
    Path output;

    @Option(names = "--seed", description = "weights seed (default ${DEFAULT-VALUE}); the same seed gives the same file")
    long seed = SmokeTestModel.DEFAULT_SEED;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        SmokeTestModel.write(output, seed);
        spec.commandLine().getOut().println(output);
        return 0;
    }
}
