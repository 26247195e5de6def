package dev.jllm.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import picocli.CommandLine;

/** A jllm command line run in-process, with its stdout and stderr captured. */
record CommandRun(int exitCode, String out, String err) {
    static CommandRun of(String... args) {
        return run(Main.commandLine(), args);
    }

    /** Runs {@code jllm chat ARGS} with {@code stdin} as what the user types. */
    static CommandRun chat(String stdin, String... args) {
        CommandLine commandLine = Main.commandLine();
        ChatCommand chat = commandLine.getSubcommands().get("chat").getCommand();
        chat.input = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        return run(commandLine, Stream.concat(Stream.of("chat"), Stream.of(args)).toArray(String[]::new));
    }

    private static CommandRun run(CommandLine commandLine, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = commandLine.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
        return new CommandRun(code, out.toString(), err.toString());
    }
}
