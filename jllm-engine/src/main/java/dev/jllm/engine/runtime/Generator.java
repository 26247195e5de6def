package dev.jllm.engine.runtime;

import dev.jllm.engine.sample.Sampler;
import dev.jllm.engine.sample.SamplingParams;
import dev.jllm.engine.sample.StopStrings;
import dev.jllm.engine.tokenizer.StreamingDecoder;
import dev.jllm.engine.tokenizer.TokenType;
import dev.jllm.engine.tokenizer.Tokenizer;
import java.util.Arrays;
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
        Tokenizer tokenizer = session.model().tokenizer();
        Sampler sampler = new Sampler(o.sampling(), session.model().config().vocabSize());
        for (int id : promptIds) sampler.accept(id);
        StreamingDecoder decoder = new StreamingDecoder(tokenizer);
        StopStrings stops = new StopStrings(o.stop());
        StringBuilder text = new StringBuilder();
        // llama.cpp's detokenizer drops the space that SentencePiece put before the first word of the text; when the
        // prompt holds no text (only BOS), that first word is generated here
        boolean stripLeadingSpace = tokenizer.addsSpacePrefix()
                && Arrays.stream(promptIds).allMatch(id -> tokenizer.tokenType(id) == TokenType.CONTROL);
        int[] ids = new int[Math.max(16, Math.min(o.maxTokens() < 0 ? 256 : o.maxTokens(), 4096))];
        int count = 0;

        long t0 = System.nanoTime();
        float[] logits = session.feed(promptIds);
        long t1 = System.nanoTime();
        FinishReason reason = FinishReason.LENGTH;
        while (o.maxTokens() != 0) {
            int next = sampler.sample(logits);
            sampler.accept(next);
            if (!o.ignoreEos() && tokenizer.isEndOfGeneration(next)) {
                reason = FinishReason.STOP;
                break;
            }
            if (count == ids.length) ids = Arrays.copyOf(ids, ids.length * 2);
            ids[count++] = next;
            // control tokens (BOS, EOS, chat markers) are not text; byte-fallback pieces may be half a character
            String piece = tokenizer.tokenType(next) == TokenType.CONTROL ? "" : decoder.next(next);
            if (stripLeadingSpace && !piece.isEmpty()) {
                if (piece.charAt(0) == ' ') piece = piece.substring(1);
                stripLeadingSpace = false;
            }
            StopStrings.Output out = stops.accept(piece);
            emit(out.text(), text, onText);
            if (out.stopped()) {
                reason = FinishReason.STOP;
                break;
            }
            boolean limit = o.maxTokens() >= 0 && count >= o.maxTokens();
            if (limit || session.length() >= session.contextSize()) break;
            logits = session.append(next);
        }
        if (!stops.stopped()) {
            StopStrings.Output tail = stops.accept(decoder.flush());
            emit(tail.text(), text, onText);
            if (tail.stopped()) reason = FinishReason.STOP;
            else emit(stops.finish(), text, onText);
        }
        long t2 = System.nanoTime();
        return new Result(promptIds, Arrays.copyOf(ids, count), text.toString(), reason, t1 - t0, t2 - t1);
    }

    private static void emit(String s, StringBuilder text, Consumer<String> onText) {
        if (s.isEmpty()) return;
        text.append(s);
        onText.accept(s);
    }
}
