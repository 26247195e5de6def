package dev.jllm.cli;

import dev.jllm.api.ChatMessage;
import dev.jllm.engine.model.Model;
import dev.jllm.engine.runtime.Generator;
import dev.jllm.engine.runtime.Session;
import dev.jllm.engine.tokenizer.Tokenizer;
import dev.jllm.template.ChatTemplate;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * `jllm chat`: an interactive conversation through the model's chat template. Each turn re-renders the whole
 * conversation; the session recomputes only what follows the cached prefix.
 */
@Command(name = "chat", mixinStandardHelpOptions = true, description = "Chat with a model through its chat template; /exit or end of input quits, /reset starts over.")
final class ChatCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;
    @Mixin SamplingOptions sampling;

    @Option(names = "--system", paramLabel = "TEXT", description = "System prompt")
    String system;

    @Option(names = "--chat-template", paramLabel = "NAME",
            description = "Use a built-in template (chatml, llama2, llama3, zephyr, mistral-v3, gemma, phi3, ...) instead of the model's")
    String templateName;

    @Option(names = {"-n", "--n-predict"}, paramLabel = "N", description = "Most tokens per reply; -1 = until the context is full (default ${DEFAULT-VALUE})")
    int maxTokens = -1;

    /** Where the user's lines come from; tests give a scripted conversation. */
    InputStream input = System.in;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BufferedReader in = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8));
        try (Model model = modelOptions.load()) {
            Tokenizer tok = model.tokenizer();
            Session session = modelOptions.session(model);
            ChatTemplate template = template(model, err);
            List<ChatMessage> messages = new ArrayList<>();
            if (system != null) messages.add(ChatMessage.system(system));
            err.printf("jllm chat: %s, template %s, context %d. /exit quits, /reset starts over.%n",
                    model.file().path().getFileName(), template.name(), session.contextSize());
            while (true) {
                out.print("> ");
                out.flush();
                String line = in.readLine();
                if (line == null) {
                    out.println(); // leave the terminal on a fresh line
                    break;
                }
                if (line.strip().equals("/exit")) break;
                if (line.strip().equals("/reset")) {
                    messages.removeIf(m -> !m.role().equals("system"));
                    err.println("jllm chat: conversation reset");
                    continue;
                }
                if (line.isBlank()) continue;
                messages.add(ChatMessage.user(line));
                String prompt = template.render(messages, true);
                String bos = tok.bosId() >= 0 ? tok.tokenText(tok.bosId()) : "";
                // templates that write BOS themselves get no second one
                boolean addBos = bos.isEmpty() || !prompt.startsWith(bos);
                int[] ids = tok.encode(prompt, addBos, true);
                if (ids.length > session.contextSize()) {
                    messages.removeLast();
                    err.printf("jllm chat: the conversation is %d tokens, more than the context of %d; /reset starts over"
                            + " (or raise --ctx)%n", ids.length, session.contextSize());
                    continue;
                }
                int reused = session.reusablePrefix(ids);
                Generator.Result r = new Generator(session).generate(ids,
                        new Generator.Options(sampling.params(), maxTokens, false, List.of()), text -> {
                            out.print(text);
                            out.flush();
                        });
                out.println();
                out.flush();
                err.printf(Locale.ROOT, "[%d tokens, %.1f tok/s | prompt %d tokens, %d new]%n", r.ids().length,
                        r.generationTokensPerSecond(), ids.length, ids.length - reused);
                messages.add(ChatMessage.assistant(r.text()));
            }
        }
        return 0;
    }


    private ChatTemplate template(Model model, PrintWriter err) {
        if (templateName != null) return ChatTemplate.named(templateName);
        return ModelTemplates.forModel(model, message -> err.println("jllm chat: " + message));
    }
}
