package dev.jllm.cli.rag;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** `jllm rag`: retrieval-augmented generation over a folder of documents. */
@Command(name = "rag", mixinStandardHelpOptions = true,
        description = "Index documents and search them, answer questions with citations, measure retrieval quality.",
        subcommands = {IngestCommand.class, SearchCommand.class, AskCommand.class, EvalCommand.class, CommandLine.HelpCommand.class})
public final class RagCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }
}
