package dev.jllm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jllm.engine.model.Model;
import dev.jllm.engine.runtime.Session;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `jllm logits`: the logits after the last prompt token. */
@Command(name = "logits", mixinStandardHelpOptions = true,
        description = "Print the logits after the last token of a prompt (BOS added as the model says).")
final class LogitsCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;

    @Option(names = {"-p", "--prompt"}, required = true, paramLabel = "PROMPT", description = "The prompt")
    String prompt;

    @Option(names = "--json", description = "Print {\"position\": N, \"logits\": [...]} with the full vector")
    boolean json;

    @Option(names = "--top", paramLabel = "K", description = "Without --json: how many of the best tokens to list (default ${DEFAULT-VALUE})")
    int top = 10;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (top < 1) throw new IllegalArgumentException("--top must be at least 1, got " + top);
        PrintWriter out = spec.commandLine().getOut();
        try (Model model = modelOptions.load()) {
            Session session = modelOptions.session(model);
            int[] ids = model.tokenizer().encode(prompt, true, false);
            ModelOptions.checkPrompt(ids, session);
            float[] logits = session.feed(ids);
            if (json) {
                ObjectMapper mapper = new ObjectMapper();
                ObjectNode o = mapper.createObjectNode();
                o.put("position", ids.length - 1);
                ArrayNode a = o.putArray("logits");
                for (float f : logits) a.add(f);
                out.println(mapper.writeValueAsString(o));
            } else {
                out.printf(Locale.ROOT, "position %d, %d logits; best %d:%n", ids.length - 1, logits.length, top);
                IntStream.range(0, logits.length).boxed()
                        .sorted(Comparator.comparingDouble((Integer i) -> -logits[i]).thenComparingInt(i -> i))
                        .limit(top)
                        .forEach(i -> out.printf(Locale.ROOT, "%8d %12.6f  %s%n", i, logits[i], model.tokenizer().tokenText(i)));
            }
            out.flush();
        }
        return 0;
    }
}
