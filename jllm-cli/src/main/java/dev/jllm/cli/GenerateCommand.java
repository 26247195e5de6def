package dev.jllm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jllm.engine.model.Model;
import dev.jllm.engine.runtime.Generator;
import dev.jllm.engine.runtime.Session;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `jllm generate`: continue a prompt, streaming the text. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Continue a prompt (raw completion, no chat template), streaming the text; timing goes to stderr.")
final class GenerateCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;
    @Mixin SamplingOptions sampling;

    @Option(names = {"-p", "--prompt"}, required = true, paramLabel = "PROMPT", description = "The prompt")
    String prompt;

    @Option(names = {"-n", "--n-predict"}, paramLabel = "N", description = "Tokens to generate; -1 = until the end (default ${DEFAULT-VALUE})")
    int maxTokens = 128;

    @Option(names = "--ignore-eos", description = "Keep generating past end-of-generation tokens")
    boolean ignoreEos;

    @Option(names = "--stop", paramLabel = "TEXT", description = "Stop string (repeatable); not part of the output")
    List<String> stop = new ArrayList<>();

    @Option(names = "--parse-special", description = "Read special-token text such as <|eot_id|> in the prompt as those tokens")
    boolean parseSpecial;

    @Option(names = "--json", description = "Print one JSON object {\"prompt_ids\", \"ids\", \"text\"} instead of streaming")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (Model model = modelOptions.load()) {
            Session session = modelOptions.session(model);
            int[] promptIds = model.tokenizer().encode(prompt, true, parseSpecial);
            ModelOptions.checkPrompt(promptIds, session);
            Generator.Options options = new Generator.Options(sampling.params(), maxTokens, ignoreEos, stop);
            if (!json) {
                out.print(prompt);
                out.flush();
            }
            Generator.Result r = new Generator(session).generate(promptIds, options, text -> {
                if (json) return;
                out.print(text);
                out.flush();
            });
            if (json) {
                ObjectMapper mapper = new ObjectMapper();
                ObjectNode o = mapper.createObjectNode();
                o.putPOJO("prompt_ids", promptIds);
                o.putPOJO("ids", r.ids());
                o.put("text", r.text());
                out.println(mapper.writeValueAsString(o));
            } else {
                out.println();
            }
            out.flush();
            spec.commandLine().getErr().printf(Locale.ROOT,
                    "prompt: %d tokens, %.1f tok/s | generated: %d tokens, %.1f tok/s | finish: %s%n",
                    promptIds.length, r.promptTokensPerSecond(), r.ids().length, r.generationTokensPerSecond(),
                    r.finishReason().name().toLowerCase(Locale.ROOT));
        }
        return 0;
    }
}
