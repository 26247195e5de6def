package dev.jllm.engine.runtime;

import dev.jllm.engine.sample.SamplingParams;
import java.util.List;
import java.util.function.Consumer;

/**
 * Generates text from a prompt in a {@link Session}: runs the prompt, then samples one token at a time until
 * end-of-generation (unless ignored), a stop string, the token limit or the end of the context. Text is streamed to
 * a listener as complete UTF-8 characters, with stop strings held back and removed.
 */
public final class Generator {

    /** Why generation ended, named as the OpenAI API names it. */
    public enum FinishReason {
        /** an end-of-generation token or a stop string */
        STOP,
        /** the token limit or the end of the context */
        LENGTH
    }

    /**
     * @param maxTokens  the most tokens to generate; a negative value means until the context is full
     * @param ignoreEos  keep going past end-of-generation tokens (they are kept in {@code ids})
     * @param stop       stop strings; the first one found ends generation and is not part of the text
     */
    public record Options(SamplingParams sampling, int maxTokens, boolean ignoreEos, List<String> stop) {
        public Options {
            stop = List.copyOf(stop);
        }
    }

    /** The outcome: generated ids (an end-of-generation token that stopped it is not included), text and timing. */
    public record Result(int[] promptIds, int[] ids, String text, FinishReason finishReason, long promptNanos,
                         long generationNanos) {
        public double promptTokensPerSecond() {
            return promptIds.length / (promptNanos / 1e9);
        }

        public double generationTokensPerSecond() {
            return ids.length / (generationNanos / 1e9);
        }
    }

    private final Session session;

    public Generator(Session session) {
        this.session = session;
    }

    public Result generate(int[] promptIds, Options o, Consumer<String> onText) {
        GenerationStream stream = new GenerationStream(session.model().tokenizer(), session.model().config().vocabSize(),
                promptIds, o, session.contextSize());
        StringBuilder text = new StringBuilder();
        long t0 = System.nanoTime();
        float[] logits = session.feed(promptIds);
        long t1 = System.nanoTime();
        FinishReason reason = FinishReason.LENGTH;
        if (o.maxTokens() == 0) {
            emit(stream.close(), text, onText);
        }
        while (!stream.finished()) {
            GenerationStream.Step step = stream.next(logits);
            emit(step.text(), text, onText);
            if (step.finished()) {
                reason = step.finishReason();
                break;
            }
            logits = session.append(step.token());
        }
        long t2 = System.nanoTime();
        return new Result(promptIds, stream.ids(), text.toString(), reason, t1 - t0, t2 - t1);
    }

    private static void emit(String s, StringBuilder text, Consumer<String> onText) {
        if (s.isEmpty()) return;
        text.append(s);
        onText.accept(s);
    }
}
