package dev.jllm.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** A jllm command line run in-process, with its stdout and stderr captured. */
record CommandRun(int exitCode, String out, String err) {
    static CommandRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
        return new CommandRun(code, out.toString(), err.toString());
    }
}
