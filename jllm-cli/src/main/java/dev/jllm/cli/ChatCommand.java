package dev.jllm.cli;

import dev.jllm.api.ChatMessage;
import dev.jllm.engine.model.Model;
import dev.jllm.engine.runtime.Generator;
import dev.jllm.engine.runtime.Session;
import dev.jllm.engine.tokenizer.Tokenizer;
import dev.jllm.template.ChatTemplate;
import dev.jllm.template.ChatTemplateException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * `jllm chat`: an interactive conversation through the model's chat template. Each turn re-renders the whole
 * conversation; the session recomputes only what follows the cached prefix.
 */
@Command(name = "chat", description = "Chat with a model through its chat template; /exit or end of input quits, /reset starts over.")
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

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (Model model = modelOptions.load()) {
            Tokenizer tok = model.tokenizer();
            ChatTemplate template = template(model);
            Session session = modelOptions.session(model);
            List<ChatMessage> messages = new ArrayList<>();
            if (system != null) messages.add(ChatMessage.system(system));
            System.err.printf("jllm chat: %s, template %s, context %d. /exit quits, /reset starts over.%n",
                    model.file().path().getFileName(), template.name(), session.contextSize());
            while (true) {
                out.print("> ");
                out.flush();
                String line = in.readLine();
                if (line == null || line.strip().equals("/exit")) break;
                if (line.strip().equals("/reset")) {
                    messages.removeIf(m -> !m.role().equals("system"));
                    continue;
                }
                if (line.isBlank()) continue;
                messages.add(ChatMessage.user(line));
                String prompt = template.render(messages, true);
                String bos = tok.bosId() >= 0 ? tok.tokenText(tok.bosId()) : "";
                // templates that write BOS themselves get no second one
                boolean addBos = bos.isEmpty() || !prompt.startsWith(bos);
                int[] ids = tok.encode(prompt, addBos, true);
                Generator.Result r = new Generator(session).generate(ids,
                        new Generator.Options(sampling.params(), maxTokens, false, List.of()), out::print);
                out.println();
                System.err.printf("[%d tokens, %.1f tok/s; prompt %d new tokens]%n", r.ids().length,
                        r.generationTokensPerSecond(), r.promptIds().length);
                messages.add(ChatMessage.assistant(r.text()));
            }
        }
        return 0;
    }

    private ChatTemplate template(Model model) {
        if (templateName != null) return ChatTemplate.named(templateName);
        Tokenizer tok = model.tokenizer();
        String source = model.chatTemplate();
        if (source == null) {
            System.err.println("jllm chat: the model has no chat template; using the built-in chatml format");
            return ChatTemplate.fallback(null);
        }
        try {
            return ChatTemplate.of(source, tok.bosId() >= 0 ? tok.tokenText(tok.bosId()) : "",
                    tok.eosId() >= 0 ? tok.tokenText(tok.eosId()) : "");
        } catch (ChatTemplateException e) {
            ChatTemplate fallback = ChatTemplate.fallback(source);
            System.err.println("jllm chat: the model's chat template does not parse (" + e.getMessage() + "); using " + fallback.name());
            return fallback;
        }
    }
}
