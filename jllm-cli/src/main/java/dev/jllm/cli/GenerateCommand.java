package dev.jllm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jllm.engine.model.Model;
import dev.jllm.engine.runtime.Generator;
import dev.jllm.engine.runtime.Session;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `jllm generate`: continue a prompt, streaming the text. */
@Command(name = "generate", description = "Continue a prompt (raw completion, no chat template), streaming the text.")
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

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (Model model = modelOptions.load()) {
            Session session = modelOptions.session(model);
            int[] promptIds = model.tokenizer().encode(prompt, true, parseSpecial);
            Generator.Options options = new Generator.Options(sampling.params(), maxTokens, ignoreEos, stop);
            if (!json) out.print(prompt);
            Generator.Result r = new Generator(session).generate(promptIds, options, text -> {
                if (!json) out.print(text);
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
                System.err.printf("%nprompt: %d tokens, %.1f tok/s | generated: %d tokens, %.1f tok/s | finish: %s%n",
                        promptIds.length, r.promptTokensPerSecond(), r.ids().length, r.generationTokensPerSecond(),
                        r.finishReason().name().toLowerCase());
            }
        }
        return 0;
    }
}
