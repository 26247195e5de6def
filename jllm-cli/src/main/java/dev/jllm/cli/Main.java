package dev.jllm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The `jllm` command: one subcommand per job. */
@Command(name = "jllm", mixinStandardHelpOptions = true, version = "jllm 0.1.0",
        description = "Run GGUF language models on the JVM.",
        subcommands = {InfoCommand.class, TokenizeCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        int code = new CommandLine(new Main())
                .setExecutionExceptionHandler((ex, cmd, parsed) -> {
                    cmd.getErr().println("jllm: " + (ex.getMessage() != null ? ex.getMessage() : ex.toString()));
                    if (System.getenv("JLLM_DEBUG") != null) ex.printStackTrace(cmd.getErr());
                    return 1;
                })
                .execute(args);
        System.exit(code);
    }
}
