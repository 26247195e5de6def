package dev.jllm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The `jllm` command: one subcommand per job. */
@Command(name = "jllm", mixinStandardHelpOptions = true, version = "jllm 0.1.0",
        description = "Run GGUF language models on the JVM.",
        subcommands = {GenerateCommand.class, ChatCommand.class, LogitsCommand.class, TokenizeCommand.class,
                InfoCommand.class, PullCommand.class, SmokeModelCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
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
