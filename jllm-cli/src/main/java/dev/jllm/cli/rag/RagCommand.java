package dev.jllm.cli.rag;

import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** `jllm rag`: retrieval-augmented generation over a folder of documents. */
@Command(name = "rag", mixinStandardHelpOptions = true,
        description = "Index documents and search them, answer questions with citations, measure retrieval quality.",
        subcommands = {IngestCommand.class, SearchCommand.class, AskCommand.class, EvalCommand.class, CommandLine.HelpCommand.class})
public final class RagCommand implements Callable<Integer> {
    /** Held so that the level set on it stays (java.util.logging keeps loggers weakly). */
    private static final Logger LUCENE = Logger.getLogger("org.apache.lucene");

    static {
        // the libraries' start-up notes (Lucene's MMap and Vector API choices, DJL's search for a GPU and its native
        // library) are not news on a command line; their warnings that matter are errors
        LUCENE.setLevel(Level.SEVERE);
        if (System.getProperty("org.slf4j.simpleLogger.log.ai.djl") == null) System.setProperty("org.slf4j.simpleLogger.log.ai.djl", "error");
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }
}
