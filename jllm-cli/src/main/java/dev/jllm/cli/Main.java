package dev.jllm.cli;

import dev.jllm.cli.rag.RagCommand;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The `jllm` command: one subcommand per job. */
@Command(name = "jllm", mixinStandardHelpOptions = true, version = "jllm 0.1.0",
        description = "Run GGUF language models on the JVM.",
        subcommands = {GenerateCommand.class, ChatCommand.class, LogitsCommand.class, TokenizeCommand.class,
                InfoCommand.class, PullCommand.class, SmokeModelCommand.class, BenchCommand.class, ServeCommand.class,
                LoadtestCommand.class, RagCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        // model text is UTF-8 whatever the terminal's locale says
        System.exit(commandLine().setOut(utf8(System.out)).setErr(utf8(System.err)).execute(args));
    }

    private static PrintWriter utf8(OutputStream stream) {
        return new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
    }

    /** The command line with jllm's error handling: a failed command prints "jllm: " and its message, and exits 1. */
    static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setExecutionExceptionHandler((ex, cmd, parsed) -> {
                    cmd.getErr().println("jllm: " + (ex.getMessage() != null ? ex.getMessage() : ex.toString()));
                    if (System.getenv("JLLM_DEBUG") != null) ex.printStackTrace(cmd.getErr());
                    return 1;
                });
    }
}
