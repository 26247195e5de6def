package dev.jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * `jllm chat` on stories260K with a scripted user. Every reply is checked against `jllm generate` on the same
 * conversation written out by hand in the template's format: the same tokens must come out.
 */
class ChatCommandTest {
    private static final String NO_TEMPLATE = "jllm chat: the model has no chat template; using the built-in chatml format\n";
    private static final String STATS = "\\[(\\d+) tokens, [0-9.]+ tok/s \\| prompt (\\d+) tokens, (\\d+) new]";

    private static CommandRun chat(String stdin, String... options) {
        String[] args = Stream.concat(Stream.of("-m", Stories260K.model().toString(), "--temp", "0", "-n", "16"),
                Stream.of(options)).toArray(String[]::new);
        CommandRun run = CommandRun.chat(stdin, args);
        assertThat(run.exitCode()).as(run.err()).isZero();
        return run;
    }

    /** What `generate` continues the rendered conversation with (BOS added, template markers read as tokens). */
    private static String reply(String conversation) {
        CommandRun run = CommandRun.of("generate", "-m", Stories260K.model().toString(), "-p", conversation,
                "--parse-special", "--temp", "0", "-n", "16", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        return Stories260K.parse(run.out()).get("text").asText();
    }

    private static String chatml(String role, String content) {
        return "<|im_start|>" + role + "\n" + content + "<|im_end|>\n";
    }

    private static List<String> statLines(CommandRun run) {
        return run.err().lines().filter(l -> l.matches(STATS)).toList();
    }

    @Test
    void withoutATemplateItTalksChatmlAndKeepsTheHistory() {
        CommandRun run = chat("Hello\nWhat did the dog do?\n/exit\nnot read\n");

        String first = chatml("user", "Hello");
        String reply1 = reply(first + "<|im_start|>assistant\n");
        String second = first + chatml("assistant", reply1) + chatml("user", "What did the dog do?");
        String reply2 = reply(second + "<|im_start|>assistant\n");
        assertThat(run.out()).isEqualTo("> " + reply1 + "\n> " + reply2 + "\n> ");

        assertThat(run.err()).startsWith(NO_TEMPLATE + "jllm chat: stories260K.gguf, template chatml, context 2048."
                + " /exit quits, /reset starts over.\n");
        List<String> stats = statLines(run);
        assertThat(stats).hasSize(2);
        int prompt1 = Integer.parseInt(stats.get(0).replaceAll(STATS, "$2"));
        assertThat(stats.get(0)).matches("\\[16 tokens, .* \\| prompt " + prompt1 + " tokens, " + prompt1 + " new]");
        // the second turn reuses the cached first one
        int prompt2 = Integer.parseInt(stats.get(1).replaceAll(STATS, "$2"));
        int new2 = Integer.parseInt(stats.get(1).replaceAll(STATS, "$3"));
        assertThat(new2).isLessThan(prompt2 - prompt1);
        assertThat(run.err().lines()).hasSize(4);
    }

    @Test
    void llama2TemplateByName() {
        CommandRun run = chat("Hello\nTell me more\n", "--chat-template", "llama2");
        String first = "[INST] Hello [/INST]";
        String reply1 = reply(first);
        String reply2 = reply(first + reply1 + "</s>[INST] Tell me more [/INST]");
        // end of input ends the chat like /exit, leaving the terminal on a fresh line
        assertThat(run.out()).isEqualTo("> " + reply1 + "\n> " + reply2 + "\n> \n");
        assertThat(run.err()).doesNotContain("no chat template").contains("template llama2,");
        assertThat(statLines(run)).hasSize(2);
    }

    @Test
    void resetForgetsTheConversationButNotTheSystemPrompt() {
        CommandRun run = chat("Hello\n/reset\n\nHello\n", "--system", "You tell stories.");
        String reply = reply(chatml("system", "You tell stories.") + chatml("user", "Hello") + "<|im_start|>assistant\n");
        // a blank line is no message
        assertThat(run.out()).isEqualTo("> " + reply + "\n> > > " + reply + "\n> \n");
        assertThat(run.err()).contains("jllm chat: conversation reset\n");
        List<String> stats = statLines(run);
        assertThat(stats).hasSize(2);
        // after /reset the prompt is the first one again, all in the cache but the token whose logits are needed
        assertThat(stats.get(1)).endsWith(" new]").contains("tokens, 1 new]");
    }

    @Test
    void exitStopsReadingAtOnce() {
        CommandRun run = chat("/exit\nHello\n");
        assertThat(run.out()).isEqualTo("> ");
        assertThat(statLines(run)).isEmpty();
    }

    @Test
    void aConversationLongerThanTheContextIsRefusedAndTheChatGoesOn() {
        String longLine = "Once upon a time there was a little dog who liked to run in the park with his friends. ".repeat(3);
        CommandRun run = chat(longLine + "\nHi\n", "--ctx", "64");
        assertThat(run.err()).containsPattern("jllm chat: the conversation is \\d+ tokens, more than the context of 64;"
                + " /reset starts over \\(or raise --ctx\\)\n");
        // the refused message is not part of the conversation
        String reply = reply(chatml("user", "Hi") + "<|im_start|>assistant\n");
        assertThat(run.out()).isEqualTo("> > " + reply + "\n> \n");
    }
}
